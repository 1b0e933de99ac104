// The /docs page: Swagger UI from the swagger-ui-dist package, served by this service (no CDN).
import { createRequire } from 'node:module';
import { dirname } from 'node:path';

export const docsAssetsPath = '/docs/assets';
// Only the folder of the package's static files is needed: its index module would load the whole
// browser bundle into the server (megabytes of JavaScript, at every start).
export const docsAssetsDirectory = dirname(
  createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'),
);

export const docsPage = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Send Server Invite API</title>
  <link rel="stylesheet" href="${docsAssetsPath}/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="${docsAssetsPath}/swagger-ui-bundle.js"></script>
  <script>window.ui = SwaggerUIBundle({ url: '/openapi.yaml', dom_id: '#swagger-ui' });</script>
</body>
</html>
`;
