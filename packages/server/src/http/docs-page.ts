// The /docs page: Swagger UI from the swagger-ui-dist package, served by this service (no CDN).
import { createRequire } from 'node:module';
import { dirname } from 'node:path';

export const docsAssetsPath = '/docs/assets';
// Only the folder of the package's static files is needed: its index module would load the whole
// browser bundle into the server (megabytes of JavaScript, at every start).
export const docsAssetsDirectory = dirname(
  createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'),
);

/**
 * "Try it out" sends each request to the server chosen in the page, the contract's first by
 * default: production's, which is the only one the contract names (a relative server entry would
 * be a base path to the generated client and is no production address). The service serving this
 * page is the one to try, so a Swagger UI plugin puts this page's origin first as the contract is
 * loaded; production stays in the list.
 */
const thisServicePlugin = `() => ({
    statePlugins: {
      spec: {
        wrapActions: {
          updateJsonSpec: (update) => (spec) =>
            update({
              ...spec,
              servers: [{ url: location.origin, description: 'This service (the one serving this page)' }, ...(spec.servers || [])],
            }),
        },
      },
    },
  })`;

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
  <script>
  const ThisService = ${thisServicePlugin};
  window.ui = SwaggerUIBundle({ url: '/openapi.yaml', dom_id: '#swagger-ui', plugins: [ThisService] });
  </script>
</body>
</html>
`;
