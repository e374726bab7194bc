import { randomBytes } from 'node:crypto';
import path from 'node:path';

/** Swagger UI's own files, served under /docs/assets; nothing comes from a CDN. */
export const swaggerUiAssets = path.dirname(require.resolve('swagger-ui-dist/package.json'));

/** The interactive documentation page, with its own CSP: one inline script, allowed by a fresh nonce. */
export function docsPage(): { html: string; contentSecurityPolicy: string } {
  const nonce = randomBytes(16).toString('base64');
  const html = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Recoup API</title>
  <link rel="stylesheet" href="docs/assets/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="docs/assets/swagger-ui-bundle.js"></script>
  <script nonce="${nonce}">
    window.ui = SwaggerUIBundle({ url: 'openapi.json', dom_id: '#swagger-ui', persistAuthorization: true, tryItOutEnabled: true });
  </script>
</body>
</html>
`;
  const contentSecurityPolicy = [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}'`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
  return { html, contentSecurityPolicy };
}
