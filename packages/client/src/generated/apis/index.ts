/* tslint:disable */
/* eslint-disable */
export * from './DeliveryApi.js';
export * from './InvitesApi.js';
export * from './OperationsApi.js';
