import { ConfigError, loadConfig } from '../../runtime/config';

describe('configuration', () => {
  test('runs on embedded defaults when nothing is set', () => {
    const config = loadConfig({});
    expect(config.database.url).toBeUndefined();
    expect(config.temporal).toMatchObject({
      address: undefined,
      namespace: 'default',
      tls: false,
      devServerPort: 7233,
    });
    expect(config.api).toEqual({
      host: '127.0.0.1',
      port: 3000,
      requestsPerMinute: 1200,
      bodyLimit: '64kb',
      answerTimeoutMs: 10_000,
    });
    expect(config.mail.postmarkServerToken).toBeUndefined();
  });

  test('stops start-up naming every bad variable and what it expects', () => {
    expect(() =>
      loadConfig({
        DATABASE_URL: 'mysql://x',
        API_PORT: 'eighty',
        TEMPORAL_ADDRESS: 'localhost',
        SENDER_CONTACT_EMAIL: 'nobody',
      }),
    ).toThrow(
      new ConfigError(
        'Invalid configuration; fix these environment variables:\n' +
          '  DATABASE_URL: a PostgreSQL URL such as postgresql://user:password@host:5432/recoup\n' +
          '  TEMPORAL_ADDRESS: host:port, e.g. localhost:7233\n' +
          '  API_PORT: Invalid input: expected number, received NaN\n' +
          '  SENDER_CONTACT_EMAIL: an email address, e.g. accounts@example.com',
      ),
    );
  });

  test('turns on TLS for Temporal Cloud when an API key is given, and wants both halves of an mTLS pair', () => {
    expect(loadConfig({ TEMPORAL_API_KEY: 'k', TEMPORAL_ADDRESS: 'ns.tmprl.cloud:7233' }).temporal.tls).toBe(
      true,
    );
    expect(() => loadConfig({ TEMPORAL_TLS_CERT_PATH: '/etc/cert.pem' })).toThrow(
      /TEMPORAL_TLS_KEY_PATH is required/,
    );
  });

  test('treats an empty variable as unset', () => {
    expect(loadConfig({ DATABASE_URL: '', POSTMARK_SERVER_TOKEN: '' }).database.url).toBeUndefined();
  });
});
