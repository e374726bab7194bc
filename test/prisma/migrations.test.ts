import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Client } from 'pg';
import { createDatabase, type Database } from '../../prisma/database';
import { migrateDatabase, migrationsDir, readMigrations } from '../../prisma/migrator';
import { Prisma } from '../../prisma/generated/client';
import { readRunContext } from '../support/run-context';
import { databaseUrl, withAdmin } from '../support/test-postgres';

const run = readRunContext();
const name = `${run.databasePrefix}_migrations_${process.pid}`;
const url = databaseUrl(run.adminUrl, name);
let db: Database;

beforeAll(async () => {
  await withAdmin(run.adminUrl, (admin) => admin.query(`CREATE DATABASE "${name}"`));
});

afterAll(async () => {
  await db?.$disconnect();
  await withAdmin(run.adminUrl, (admin) => admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
});

async function query<T extends object>(sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

describe('migrations', () => {
  test('build an empty database from prisma/migrations alone, then find nothing left to apply', async () => {
    const migrations = await readMigrations();
    const first = await migrateDatabase(url);
    expect(first.applied).toEqual(migrations.map((migration) => migration.name));
    const second = await migrateDatabase(url);
    expect(second).toEqual({ applied: [], alreadyApplied: migrations.map((migration) => migration.name) });
  });

  test("keep Prisma's _prisma_migrations ledger as prisma migrate deploy would: one finished row per migration with its SHA-256", async () => {
    const ledger = await query<{
      migration_name: string;
      checksum: string;
      finished_at: Date | null;
      applied_steps_count: number;
    }>(
      'SELECT migration_name, checksum, finished_at, applied_steps_count FROM _prisma_migrations ORDER BY migration_name',
    );
    const migrations = await readMigrations();
    expect(ledger).toHaveLength(migrations.length);
    for (const [index, migration] of migrations.entries()) {
      const sql = await readFile(path.join(migrationsDir, migration.name, 'migration.sql'));
      expect(ledger[index]).toMatchObject({
        migration_name: migration.name,
        checksum: createHash('sha256').update(sql).digest('hex'),
        applied_steps_count: 1,
      });
      expect(ledger[index]!.finished_at).toBeInstanceOf(Date);
    }
  });

  test('serve every model the generated client knows: a row of each is written and read back', async () => {
    db = createDatabase(url);
    const customer = await db.customer.create({
      data: { id: 'c-1', name: 'Ada Ltd', email: 'ap@ada.example', timeZone: 'Europe/London' },
    });
    const invoice = await db.invoice.create({
      data: {
        id: 'inv-1',
        number: 'INV-1',
        customerId: customer.id,
        workflowId: 'invoice-inv-1',
        policyId: 'default',
        currency: 'EUR',
        originalAmount: 9_007_199_254_740_993n,
        balance: 100n,
        issueDate: new Date('2026-03-02T00:00:00Z'),
        dueDate: new Date('2026-04-01T00:00:00Z'),
        status: 'open',
      },
    });
    const invoiceId = invoice.id;
    await db.payment.create({
      data: { invoiceId, reference: 'p-1', amount: 50n, currency: 'EUR', receivedAt: new Date() },
    });
    await db.dispute.create({
      data: { invoiceId, sequence: 1, reason: 'wrong quantity', openedAt: new Date() },
    });
    await db.paymentPlan.create({
      data: {
        invoiceId,
        sequence: 1,
        status: 'active',
        acceptedAt: new Date(),
        installments: {
          create: [{ sequence: 1, dueDate: new Date('2026-05-01T00:00:00Z'), amount: 50n, status: 'due' }],
        },
      },
    });
    await db.task.create({
      data: {
        invoiceId,
        taskKey: 'secondReminder',
        kind: 'secondReminderCall',
        role: 'bookkeeper',
        title: 't',
        script: 's',
      },
    });
    await db.emailMessage.create({
      data: {
        invoiceId,
        stageKey: 'friendlyReminder',
        template: 'friendlyReminder',
        toAddress: 'a@b.example',
        subject: 's',
        status: 'pending',
      },
    });
    await db.agencyHandoff.create({
      data: { invoiceId, payload: { invoiceNumber: 'INV-1' }, sentAt: new Date() },
    });
    await db.timelineEvent.create({
      data: { invoiceId, sequence: 1, at: new Date(), type: 'invoice.started', summary: 's', data: { a: 1 } },
    });
    await db.apiKey.create({ data: { name: 'billing', role: 'billing-system', keyHash: 'f'.repeat(64) } });

    const readBack = await db.invoice.findUniqueOrThrow({
      where: { id: invoiceId },
      include: {
        customer: true,
        payments: true,
        disputes: true,
        paymentPlans: { include: { installments: true } },
        tasks: true,
        emails: true,
        agencyHandoff: true,
        timeline: true,
      },
    });
    expect(readBack.originalAmount).toBe(9_007_199_254_740_993n);
    expect(readBack.customer.timeZone).toBe('Europe/London');
    expect(readBack.paymentPlans[0]!.installments[0]!.amount).toBe(50n);
    expect(readBack.agencyHandoff?.payload).toEqual({ invoiceNumber: 'INV-1' });
    expect(await db.apiKey.count()).toBe(1);

    const modelsWritten = [
      'customer',
      'invoice',
      'payment',
      'dispute',
      'paymentPlan',
      'installment',
      'task',
      'emailMessage',
      'agencyHandoff',
      'timelineEvent',
      'apiKey',
    ];
    const clientModels = Object.values(Prisma.ModelName).map(
      (model) => model.charAt(0).toLowerCase() + model.slice(1),
    );
    expect(clientModels.sort()).toEqual([...modelsWritten].sort());
    for (const model of clientModels) {
      const delegate = (db as unknown as Record<string, { count(): Promise<number> }>)[model]!;
      expect(await delegate.count()).toBeGreaterThan(0);
    }
  });

  test('refuse to change or delete timeline events: the audit trail is append-only', async () => {
    await expect(db.timelineEvent.updateMany({ data: { summary: 'rewritten' } })).rejects.toThrow(
      /append-only/,
    );
    await expect(db.timelineEvent.deleteMany({})).rejects.toThrow(/append-only/);
  });

  test('enforce one payment per reference and one outbox row per invoice and stage', async () => {
    await expect(
      db.payment.create({
        data: { invoiceId: 'inv-1', reference: 'p-1', amount: 50n, currency: 'EUR', receivedAt: new Date() },
      }),
    ).rejects.toThrow(/Unique constraint/);
    await expect(
      db.emailMessage.create({
        data: {
          invoiceId: 'inv-1',
          stageKey: 'friendlyReminder',
          template: 'x',
          toAddress: 'a@b.example',
          subject: 's',
          status: 'pending',
        },
      }),
    ).rejects.toThrow(/Unique constraint/);
  });
});
