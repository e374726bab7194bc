import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { addDays, instantAtLocalTime } from '../domain/calendar';
import { commandSignals, commandUpdates } from '../workflows/messages';
import { startCollectionStack, type CollectionStack } from '../test/support/collection-stack';
import globalSetup from '../test/support/global-setup';
import globalTeardown from '../test/support/global-teardown';
import { berlinCustomer, invoiceTerms, skipTo, upcomingMonday } from '../test/support/lifecycle';

/**
 * `npm run record-histories`: runs representative lifecycles on the time-skipping server and saves their
 * event histories to test/histories/, which `npm test` replays against the current workflow code.
 * Record again only when a workflow change is meant to be incompatible (and then guard it with patched()).
 */
const historiesDir = path.join(__dirname, '..', 'test', 'histories');

type Scenario = (stack: CollectionStack, invoiceId: string) => Promise<void>;

const at = async (stack: CollectionStack, day: string, hour = 12) =>
  skipTo(stack.env, instantAtLocalTime(day, hour, berlinCustomer.timeZone));

const scenarios: Record<string, Scenario> = {
  'paid-after-second-reminder': async (stack, invoiceId) => {
    const monday = await upcomingMonday(stack.env);
    const terms = invoiceTerms(invoiceId, monday);
    const handle = stack.env.client.workflow.getHandle(await stack.startInvoice(terms));
    await at(stack, addDays(monday, 33));
    await handle.executeUpdate(commandUpdates.recordPayment, {
      args: [{ reference: 'bank-1', amount: 20_000, currency: 'EUR' }],
    });
    await at(stack, addDays(monday, 38));
    await handle.signal(commandSignals.recordPayment, {
      reference: 'bank-2',
      amount: 100_000,
      currency: 'EUR',
    });
    await handle.result();
  },
  'dispute-rejected-then-plan-defaulted': async (stack, invoiceId) => {
    const monday = await upcomingMonday(stack.env);
    const terms = invoiceTerms(invoiceId, monday);
    const handle = stack.env.client.workflow.getHandle(await stack.startInvoice(terms));
    await at(stack, addDays(monday, 32));
    await handle.executeUpdate(commandUpdates.openDispute, {
      args: [{ reason: 'Two crates arrived damaged' }],
    });
    await at(stack, addDays(monday, 40));
    await handle.executeUpdate(commandUpdates.resolveDispute, {
      args: [{ resolution: 'rejected', note: 'Photos show intact crates' }],
    });
    await at(stack, addDays(monday, 50));
    await handle.executeUpdate(commandUpdates.acceptPaymentPlan, {
      args: [
        {
          installments: [
            { dueDate: addDays(monday, 60), amount: 60_000 },
            { dueDate: addDays(monday, 90), amount: 60_000 },
          ],
        },
      ],
    });
    await at(stack, addDays(monday, 61));
    await handle.executeUpdate(commandUpdates.recordPayment, {
      args: [{ reference: 'inst-1', amount: 60_000, currency: 'EUR' }],
    });
    await at(stack, addDays(monday, 140));
    await handle.executeUpdate(commandUpdates.writeOff, { args: [{ reason: 'Customer ceased trading' }] });
    await handle.result();
  },
  'silent-customer-to-agency': async (stack, invoiceId) => {
    const monday = await upcomingMonday(stack.env);
    const terms = invoiceTerms(invoiceId, monday);
    const handle = stack.env.client.workflow.getHandle(await stack.startInvoice(terms));
    await at(stack, addDays(monday, 20));
    await handle.executeUpdate(commandUpdates.promiseToPay, {
      args: [{ promisedDate: addDays(monday, 25) }],
    });
    // The promise held the ladder 8 days, so the hand-off comes at +45+8 after the due date.
    await at(stack, addDays(monday, 90));
    await handle.executeUpdate(commandUpdates.recordAgencyOutcome, {
      args: [{ outcome: 'returned', note: 'No assets' }],
    });
    await handle.executeUpdate(commandUpdates.cancel, { args: [{ reason: 'Credit note CN-7 issued' }] });
    await handle.result();
  },
};

async function main(): Promise<void> {
  // Dated names: histories recorded by older code stay beside the new ones and keep being replayed.
  const recordedOn = new Date().toISOString().slice(0, 10);
  await globalSetup();
  const stack = await startCollectionStack();
  try {
    await stack.startWorker();
    await mkdir(historiesDir, { recursive: true });
    for (const [name, scenario] of Object.entries(scenarios)) {
      const invoiceId = `history-${name}`;
      await scenario(stack, invoiceId);
      const history = await stack.env.client.workflow.getHandle(`invoice-${invoiceId}`).fetchHistory();
      const file = path.join(historiesDir, `${recordedOn}-${name}.json`);
      await writeFile(file, historyToJSON(history) + '\n');
      console.log(`recorded ${history.events?.length ?? 0} events to ${path.relative(process.cwd(), file)}`);
    }
  } finally {
    await stack.close();
    await globalTeardown();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
