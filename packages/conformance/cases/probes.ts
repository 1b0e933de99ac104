// The operations without credential (probes and documentation), and requests outside every
// operation: an unknown path (404) and a known path with another method (405 with Allow).
import type { ConformanceCase } from '../src/case.ts';
import { invitee, sender, titleId } from './common.ts';

export const probeCases: ConformanceCase[] = [
  {
    title: 'answers the liveness probe',
    request: { method: 'GET', path: '/healthz' },
    expect: { status: 200 },
  },
  {
    title: 'answers the readiness probe',
    request: { method: 'GET', path: '/readyz' },
    expect: { status: 200 },
  },
  {
    title: 'serves the contract as YAML',
    request: { method: 'GET', path: '/openapi.yaml' },
    expect: { status: 200 },
  },
  {
    title: 'serves the rendered documentation',
    request: { method: 'GET', path: '/docs' },
    expect: { status: 200 },
  },
  {
    title: 'serves the metrics as Prometheus text on the service port (METRICS_PORT unset)',
    request: { method: 'GET', path: '/metrics' },
    expect: { status: 200 },
  },
  {
    title: 'answers a probe called with a credential all the same',
    request: {
      method: 'GET',
      path: '/healthz',
      credential: { kind: 'literal', value: 'XBL3.0 x=-;not-a-jwt' },
    },
    expect: { status: 200 },
  },
  {
    title: 'answers an unknown path',
    request: { method: 'GET', path: '/titles' },
    expect: { status: 404, errorCode: 'NotFound' },
  },
  {
    title: 'answers an unknown path under a known prefix',
    request: {
      method: 'POST',
      path: `/titles/${titleId}/invites/server/extra`,
      json: { invitedUsers: [invitee], sender },
    },
    expect: { status: 404, errorCode: 'NotFound' },
  },
  {
    title: 'answers GET on the invite route',
    request: { method: 'GET', path: `/titles/${titleId}/invites/server` },
    expect: { status: 405, errorCode: 'MethodNotAllowed', headers: { allow: 'POST' } },
  },
  {
    title: 'answers POST on the liveness probe',
    request: { method: 'POST', path: '/healthz', json: {} },
    expect: { status: 405, errorCode: 'MethodNotAllowed' },
  },
];
