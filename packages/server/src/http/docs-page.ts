// The /docs page: Swagger UI from the swagger-ui-dist package, served by this service (no CDN).
import swaggerUi from 'swagger-ui-dist';

export const docsAssetsPath = '/docs/assets';
export const docsAssetsDirectory: string = swaggerUi.getAbsoluteFSPath();

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
