import { readFile } from 'node:fs/promises';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { TemporalSettings } from './config';

interface ConnectionOptions {
  address: string;
  tls?: { clientCertPair?: { crt: Buffer; key: Buffer } } | boolean;
  apiKey?: string;
}

async function connectionOptions(settings: TemporalSettings, address: string): Promise<ConnectionOptions> {
  const options: ConnectionOptions = { address };
  if (settings.apiKey) options.apiKey = settings.apiKey;
  if (settings.tlsCertPath && settings.tlsKeyPath) {
    const [crt, key] = await Promise.all([readFile(settings.tlsCertPath), readFile(settings.tlsKeyPath)]);
    options.tls = { clientCertPair: { crt, key } };
  } else if (settings.tls) {
    options.tls = true;
  }
  return options;
}

/** A client for the API and scripts: Temporal Cloud (API key or mTLS), a cluster, or the local dev server. */
export async function connectTemporalClient(settings: TemporalSettings, address: string): Promise<Client> {
  const connection = await Connection.connect(await connectionOptions(settings, address));
  return new Client({ connection, namespace: settings.namespace });
}

export async function connectWorkerConnection(
  settings: TemporalSettings,
  address: string,
): Promise<NativeConnection> {
  return NativeConnection.connect(await connectionOptions(settings, address));
}
