/* tslint:disable */
/* eslint-disable */
export * from './InvitesApi.js';
export * from './OperationsApi.js';
