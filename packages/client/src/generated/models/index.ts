/* tslint:disable */
/* eslint-disable */
export * from './Endpoint.js';
export * from './EndpointRegistration.js';
export * from './ErrorResponse.js';
export * from './HealthStatus.js';
export * from './Invite.js';
export * from './InviteList.js';
export * from './Platform.js';
export * from './SendServerInviteRequest.js';
export * from './ThrottledEntity.js';
