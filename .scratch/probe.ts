import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker, Runtime, DefaultLogger } from '@temporalio/worker';
import { WorkflowClient, QueryRejectedError, WorkflowUpdateFailedError } from '@temporalio/client';
import { requireTemporalTestServer } from '/work/main/runtime/tool-paths';
import { workflowsPath } from '/work/main/worker/create-worker';
import { taskQueue, workflowType, commandUpdates, invoiceStateQuery } from '/work/main/workflows/messages';
import { defaultPolicy } from '/work/main/domain/policy';

async function main() {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: requireTemporalTestServer() } },
  });
  const activities = {
    recordProjection: async () => {},
    sendCollectionEmail: async () => ({ status: 'sent', messageId: 'x' }),
    openTask: async () => ({ taskId: 't' }),
    handOffToAgency: async () => {},
  };
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowsPath,
    activities,
  });
  const running = worker.run();
  const t0 = Date.now();
  const terms = {
    invoiceId: 'p1',
    invoiceNumber: 'N1',
    customer: { id: 'c', name: 'C', email: 'c@x.example', timeZone: 'Europe/Berlin' },
    currency: 'EUR',
    amount: 1000,
    issueDate: '2026-01-01',
    dueDate: '2026-01-31',
    sendInvoiceEmail: true,
  };
  const client = env.client;
  console.log('now', new Date(await env.currentTimeMs()).toISOString(), 'wall', new Date().toISOString());
  const h = await client.workflow.start(workflowType, {
    taskQueue,
    workflowId: 'invoice-p1',
    args: [{ terms, policy: defaultPolicy }],
  });
  // query immediately
  try {
    const v = await h.query(invoiceStateQuery);
    console.log('immediate query ok', v.status, Date.now() - t0);
  } catch (e) {
    console.log('immediate query err', e);
  }
  try {
    await client.workflow.start(workflowType, {
      taskQueue,
      workflowId: 'invoice-p1',
      args: [{ terms, policy: defaultPolicy }],
    });
  } catch (e: any) {
    console.log('dup start', e.name, e.message);
  }
  const hist = await client.workflowService.getWorkflowExecutionHistory({
    namespace: 'default',
    execution: { workflowId: 'invoice-p1' },
    maximumPageSize: 1,
  });
  console.log('history events', hist.history?.events?.length, hist.history?.events?.[0]?.eventType);
  try {
    await h.executeUpdate(commandUpdates.recordPayment, {
      args: [{ reference: 'r', amount: 1000, currency: 'USD' }],
    });
  } catch (e: any) {
    console.log('update refused', e.name, e.cause?.name, e.cause?.type, e.cause?.message);
  }
  const v = await h.executeUpdate(commandUpdates.recordPayment, {
    args: [{ reference: 'r', amount: 1000, currency: 'EUR' }],
  });
  console.log('paid', v.status);
  await h.result();
  try {
    await h.executeUpdate(commandUpdates.recordPayment, {
      args: [{ reference: 'r', amount: 1000, currency: 'EUR' }],
    });
  } catch (e: any) {
    console.log('update closed', e.name, e.message, e.cause?.code, e.cause?.details);
  }
  try {
    await h.signal('paymentReceived', { reference: 'z', amount: 1, currency: 'EUR' });
  } catch (e: any) {
    console.log('signal closed', e.name, e.message);
  }
  const nopen = new WorkflowClient({
    connection: client.connection,
    namespace: 'default',
    queryRejectCondition: 'NOT_OPEN',
  });
  try {
    await nopen.getHandle('invoice-p1').query(invoiceStateQuery);
    console.log('NOT_OPEN query answered?!');
  } catch (e: any) {
    console.log('not open query', e.name, e instanceof QueryRejectedError, e.status);
  }
  try {
    await nopen.getHandle('invoice-zzz').query(invoiceStateQuery);
  } catch (e: any) {
    console.log('unknown query', e.name);
  }
  try {
    await client.workflow
      .getHandle('invoice-zzz')
      .executeUpdate(commandUpdates.pause, { args: [{ reason: 'x' }] });
  } catch (e: any) {
    console.log('unknown update', e.name);
  }
  try {
    await client.workflow.start(workflowType, {
      taskQueue,
      workflowId: 'invoice-p1',
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      args: [{ terms, policy: defaultPolicy }],
    });
  } catch (e: any) {
    console.log('dup start closed', e.name);
  }
  try {
    const si = await client.workflowService.getSystemInfo({});
    console.log('sysinfo ok', !!si);
  } catch (e: any) {
    console.log('sysinfo err', e.message);
  }
  try {
    const hc = await client.connection.healthService.check({});
    console.log('health ok', hc.status);
  } catch (e: any) {
    console.log('health err', e.message);
  }
  try {
    const d = await client.workflowService.describeNamespace({ namespace: 'default' });
    console.log('ns ok', !!d);
  } catch (e: any) {
    console.log('ns err', e.message);
  }
  // concurrency: 20 starts + immediate queries
  const results = await Promise.allSettled(
    Array.from({ length: 20 }, () =>
      client.workflow.start(workflowType, {
        taskQueue,
        workflowId: 'invoice-p2',
        args: [{ terms: { ...terms, invoiceId: 'p2' }, policy: defaultPolicy }],
      }),
    ),
  );
  console.log('concurrent', results.map((r) => r.status).join(','));
  const q = await Promise.allSettled(
    Array.from({ length: 5 }, () => client.workflow.getHandle('invoice-p2').query(invoiceStateQuery)),
  );
  console.log(
    'concurrent queries',
    q.map((r) => (r.status === 'fulfilled' ? 'ok' : String((r as any).reason))).join(','),
  );
  worker.shutdown();
  await running;
  await env.teardown();
}
main().catch((e) => {
  console.error(e);
  process.exit(1);
});
