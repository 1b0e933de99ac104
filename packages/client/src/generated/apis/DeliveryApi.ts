/* tslint:disable */
/* eslint-disable */
/**
 * Multiplayer Activity - Send Server Invite
 * A game server invites up to 16 players to join it. The invite is sent to every endpoint (device) each invited player has registered, regardless of platform.  This document is the single source of truth of the product: the server validates every request against it, the mock serves it, the types and the client are generated from it.  ## Decisions where the source page is ambiguous or wrong  - **Authorization** is typed `integer` on the source page; it is a string   (`XBL3.0 x=<userhash>;<token>`), modelled as the `XblAuth` security scheme. - **ThrottledEntity** fields are typed `string` on the source page, but the vendor\'s own   examples send numbers (`\"currentRequests\": 13`). Numbers are what clients receive, so the   numeric fields are integers here. - **AuthorizationError** is listed by the vendor under 400, not 403. This contract keeps the   vendor\'s status so that existing clients (which never retry a 400) behave the same. - **Missing or invalid credentials** are not covered by the source page; they answer 401 with   an `ErrorResponse` and `WWW-Authenticate: XBL3.0`, so that a client knows to refresh its   token (the vendor SDK refreshes and retries once on 401). - **XUIDs** are unsigned 64-bit integers written in base 10. Their pattern admits exactly   0..18446744073709551615 without leading zeros, so every tool that reads this document   (validators, mock, fuzzers, generated clients) agrees on the range. - **Unknown body properties** are rejected (400 RequestValidationError), so that a misspelt   field is never silently dropped. - **Duplicate XUIDs** in `invitedUsers` are accepted; each user is invited once. - **Lengths** are counted as JSON Schema counts them, in Unicode code points: an emoji or any   other character beyond the Basic Multilingual Plane counts as one character although it is   two UTF-16 code units. Any 512 characters are a valid `connectionString` (CJK, emoji,   controls), and every value derived from it is bounded by what the largest one needs: the   `activationUri` of a 512-character connection string fits its `maxLength` (6253). - **Lone UTF-16 surrogates** (a JSON `\\ud800` escape without its pair) are not text: no UTF-8   store or URI can carry them unchanged. A `connectionString` holding one is refused (400   `RequestValidationError`) rather than delivered altered. Its pattern says \"no lone surrogate\"   the same way in every regex engine, with or without Unicode mode: each character is either   no surrogate or a high surrogate followed by a low one (an engine that reads UTF-16 code   units sees an emoji as such a pair; one that reads code points never sees a surrogate in it). - **Bodies are UTF-8**, as JSON is (RFC 8259): a `charset` parameter other than UTF-8 (`utf-8`   or `utf8`, in any case), or bytes that are not valid UTF-8, get 415 `UnsupportedMediaType`,   never text decoded with replacement characters. - **Integer parameters** (path, query, header) are written in base 10 as JSON writes integers:   no `+`, no leading zeros, no exponent, and `-0` is refused rather than read as 0. A value   outside the parameter\'s range is refused with the range error (`must be <= 30`) whatever   its number of digits.  ## Beyond the operation  An unknown path answers 404 and a known path with a method it does not support answers 405 (with `Allow`), both with an `ErrorResponse` body (`NotFound`, `MethodNotAllowed`), whatever the request\'s headers and body (the body is not read). Every response carries `X-Request-Id` (the caller\'s, when it sent a valid one; a malformed one is replaced by an id the server makes, not refused).  `HEAD` is answered wherever `GET` is (RFC 9110), as that `GET` (status and headers) without its body; `Allow` then lists it too. The probe and documentation operations (`Operations` tag) ignore query parameters, which load balancers and cache-busting tools add; the other operations refuse a parameter they do not declare (400 `RequestValidationError`).  Requests HTTP itself refuses get an `ErrorResponse` as well, with `X-Request-Id`, and the status HTTP gives the refusal: an HTTP/1.1 request without `Host` 400; an `Expect` other than `100-continue` 417; a `Transfer-Encoding` other than `chunked` (such as `gzip, chunked`) 501 (RFC 9112: the only transfer coding the server reads is chunked); a `CONNECT` request 501 (the service is no proxy). Their `errorCode` is `RequestValidationError`, as for 431: the codes a client switches on stay those it knows, and the status says which rule of HTTP refused the request.  A request the HTTP layer cannot read is answered before it reaches any operation, with an `ErrorResponse` body, `Connection: close` and an `X-Request-Id` the server makes (the request was never read far enough to carry one of its own): 400 `RequestValidationError` for malformed HTTP (for example both `Content-Length` and `Transfer-Encoding`), 431 `RequestValidationError` for headers over the server\'s limit, and 408 `RequestTimeout` when the headers or the whole request do not arrive within the server\'s timeouts. Bytes that follow a request on its connection and are not valid HTTP (for example anything after a request sent with `Connection: close`) never change that request\'s answer: it is sent, and the connection closes after it.  Each instance holds what it can within its capacity, and refuses the rest with a documented answer rather than failing: at most a configured number of open connections (below its open-file limit), devices waiting for invites, request bodies being received at once (503 `ServiceUnavailable` past it, before the body is read), and endpoints per user (`TooManyEndpoints`, 409). When its connections are all in use, a new connection is served by closing the connection idle the longest; when none is idle, the request on the new connection is answered before it reaches any operation with 503 `ServiceUnavailable`, `Retry-After` and `Connection: close` (the probes `/healthz` and `/readyz` excepted: they are still answered). A client that pipelines more requests on one connection than the instance accepts without reading their answers has that connection closed; the requests left unanswered were not handled, and may be sent again (RFC 9112, 9.3.2).  Browsers on other origins may call the service when the deployment lists their origins (`CORS_ORIGINS`; off by default): preflight `OPTIONS` requests are then answered as the Fetch standard specifies, for every operation, and are not operations of this contract. 
 *
 * The version of the OpenAPI document: 3.0.0
 * 
 *
 * NOTE: This class is auto generated by OpenAPI Generator (https://openapi-generator.tech).
 * https://openapi-generator.tech
 * Do not edit the class manually.
 */

import * as runtime from '../runtime.js';
import {
    type Endpoint,
    EndpointFromJSON,
    EndpointToJSON,
} from '../models/Endpoint.js';
import {
    type EndpointRegistration,
    EndpointRegistrationFromJSON,
    EndpointRegistrationToJSON,
} from '../models/EndpointRegistration.js';
import {
    type ErrorResponse,
    ErrorResponseFromJSON,
    ErrorResponseToJSON,
} from '../models/ErrorResponse.js';
import {
    type InviteList,
    InviteListFromJSON,
    InviteListToJSON,
} from '../models/InviteList.js';
import {
    type ThrottledEntity,
    ThrottledEntityFromJSON,
    ThrottledEntityToJSON,
} from '../models/ThrottledEntity.js';

export interface AcknowledgeInviteRequest {
    /**
     * The user's XUID; must be the XUID of the caller's user credential.
     */
    xuid: string;
    /**
     * The device's own name for itself, stable across restarts (1 to 64 letters, digits, `.`, `_`, `~`, `-`, other than `.` and `..`).
     */
    endpointId: string;
    /**
     * The invite's id, as received.
     */
    inviteId: string;
    /**
     * A caller-chosen id for this request. When it is a `RequestId` (1 to 128 characters of
     * letters, digits, `.`, `_`, `:` and `-`) it is returned in the response and written in the
     * logs. When absent or anything else, the server makes one and the request is answered as
     * if the header were absent: an id only correlates logs, so a malformed one never fails a
     * request. Bounded by the server's header size limit (431 beyond it).
     * 
     */
    xRequestId?: string;
}

export interface ReceiveInviteStreamRequest {
    /**
     * The user's XUID; must be the XUID of the caller's user credential.
     */
    xuid: string;
    /**
     * The device's own name for itself, stable across restarts (1 to 64 letters, digits, `.`, `_`, `~`, `-`, other than `.` and `..`).
     */
    endpointId: string;
    /**
     * A caller-chosen id for this request. When it is a `RequestId` (1 to 128 characters of
     * letters, digits, `.`, `_`, `:` and `-`) it is returned in the response and written in the
     * logs. When absent or anything else, the server makes one and the request is answered as
     * if the header were absent: an id only correlates logs, so a malformed one never fails a
     * request. Bounded by the server's header size limit (431 beyond it).
     * 
     */
    xRequestId?: string;
    /**
     * The cursor of the last event received, to continue after it (as `EventSource` sends it on reconnection).
     */
    lastEventID?: string;
}

export interface ReceiveInvitesRequest {
    /**
     * The user's XUID; must be the XUID of the caller's user credential.
     */
    xuid: string;
    /**
     * The device's own name for itself, stable across restarts (1 to 64 letters, digits, `.`, `_`, `~`, `-`, other than `.` and `..`).
     */
    endpointId: string;
    /**
     * A caller-chosen id for this request. When it is a `RequestId` (1 to 128 characters of
     * letters, digits, `.`, `_`, `:` and `-`) it is returned in the response and written in the
     * logs. When absent or anything else, the server makes one and the request is answered as
     * if the header were absent: an id only correlates logs, so a malformed one never fails a
     * request. Bounded by the server's header size limit (431 beyond it).
     * 
     */
    xRequestId?: string;
    /**
     * How long to wait for an invite when none is pending (0 to 30 seconds).
     */
    waitSeconds?: number;
}

export interface RegisterEndpointRequest {
    /**
     * The user's XUID; must be the XUID of the caller's user credential.
     */
    xuid: string;
    /**
     * The device's own name for itself, stable across restarts (1 to 64 letters, digits, `.`, `_`, `~`, `-`, other than `.` and `..`).
     */
    endpointId: string;
    /**
     * 
     */
    endpointRegistration: EndpointRegistration;
    /**
     * A caller-chosen id for this request. When it is a `RequestId` (1 to 128 characters of
     * letters, digits, `.`, `_`, `:` and `-`) it is returned in the response and written in the
     * logs. When absent or anything else, the server makes one and the request is answered as
     * if the header were absent: an id only correlates logs, so a malformed one never fails a
     * request. Bounded by the server's header size limit (431 beyond it).
     * 
     */
    xRequestId?: string;
}

export interface UnregisterEndpointRequest {
    /**
     * The user's XUID; must be the XUID of the caller's user credential.
     */
    xuid: string;
    /**
     * The device's own name for itself, stable across restarts (1 to 64 letters, digits, `.`, `_`, `~`, `-`, other than `.` and `..`).
     */
    endpointId: string;
    /**
     * A caller-chosen id for this request. When it is a `RequestId` (1 to 128 characters of
     * letters, digits, `.`, `_`, `:` and `-`) it is returned in the response and written in the
     * logs. When absent or anything else, the server makes one and the request is answered as
     * if the header were absent: an id only correlates logs, so a malformed one never fails a
     * request. Bounded by the server's header size limit (431 beyond it).
     * 
     */
    xRequestId?: string;
}

/**
 * DeliveryApi - interface
 * 
 * @export
 * @interface DeliveryApiInterface
 */
export interface DeliveryApiInterface {
    /**
     * Creates request options for acknowledgeInvite without sending the request
     * @param {string} xuid The user\&#39;s XUID; must be the XUID of the caller\&#39;s user credential.
     * @param {string} endpointId The device\&#39;s own name for itself, stable across restarts (1 to 64 letters, digits, &#x60;.&#x60;, &#x60;_&#x60;, &#x60;~&#x60;, &#x60;-&#x60;, other than &#x60;.&#x60; and &#x60;..&#x60;).
     * @param {string} inviteId The invite\&#39;s id, as received.
     * @param {string} [xRequestId] A caller-chosen id for this request. When it is a &#x60;RequestId&#x60; (1 to 128 characters of letters, digits, &#x60;.&#x60;, &#x60;_&#x60;, &#x60;:&#x60; and &#x60;-&#x60;) it is returned in the response and written in the logs. When absent or anything else, the server makes one and the request is answered as if the header were absent: an id only correlates logs, so a malformed one never fails a request. Bounded by the server\&#39;s header size limit (431 beyond it). 
     * @throws {RequiredError}
     * @memberof DeliveryApiInterface
     */
    acknowledgeInviteRequestOpts(requestParameters: AcknowledgeInviteRequest): Promise<runtime.RequestOpts>;

    /**
     * The endpoint has the invite; it is never delivered to this endpoint again.
     * @summary Acknowledge an invite
     * @param {string} xuid The user\&#39;s XUID; must be the XUID of the caller\&#39;s user credential.
     * @param {string} endpointId The device\&#39;s own name for itself, stable across restarts (1 to 64 letters, digits, &#x60;.&#x60;, &#x60;_&#x60;, &#x60;~&#x60;, &#x60;-&#x60;, other than &#x60;.&#x60; and &#x60;..&#x60;).
     * @param {string} inviteId The invite\&#39;s id, as received.
     * @param {string} [xRequestId] A caller-chosen id for this request. When it is a &#x60;RequestId&#x60; (1 to 128 characters of letters, digits, &#x60;.&#x60;, &#x60;_&#x60;, &#x60;:&#x60; and &#x60;-&#x60;) it is returned in the response and written in the logs. When absent or anything else, the server makes one and the request is answered as if the header were absent: an id only correlates logs, so a malformed one never fails a request. Bounded by the server\&#39;s header size limit (431 beyond it). 
     * @param {*} [options] Override http request option.
     * @throws {RequiredError}
     * @memberof DeliveryApiInterface
     */
    acknowledgeInviteRaw(requestParameters: AcknowledgeInviteRequest, initOverrides?: RequestInit | runtime.InitOverrideFunction): Promise<runtime.ApiResponse<void>>;

    /**
     * The endpoint has the invite; it is never delivered to this endpoint again.
     * Acknowledge an invite
     */
    acknowledgeInvite(requestParameters: AcknowledgeInviteRequest, initOverrides?: RequestInit | runtime.InitOverrideFunction): Promise<void>;

    /**
     * Creates request options for receiveInviteStream without sending the request
     * @param {string} xuid The user\&#39;s XUID; must be the XUID of the caller\&#39;s user credential.
     * @param {string} endpointId The device\&#39;s own name for itself, stable across restarts (1 to 64 letters, digits, &#x60;.&#x60;, &#x60;_&#x60;, &#x60;~&#x60;, &#x60;-&#x60;, other than &#x60;.&#x60; and &#x60;..&#x60;).
     * @param {string} [xRequestId] A caller-chosen id for this request. When it is a &#x60;RequestId&#x60; (1 to 128 characters of letters, digits, &#x60;.&#x60;, &#x60;_&#x60;, &#x60;:&#x60; and &#x60;-&#x60;) it is returned in the response and written in the logs. When absent or anything else, the server makes one and the request is answered as if the header were absent: an id only correlates logs, so a malformed one never fails a request. Bounded by the server\&#39;s header size limit (431 beyond it). 
     * @param {string} [lastEventID] The cursor of the last event received, to continue after it (as &#x60;EventSource&#x60; sends it on reconnection).
     * @throws {RequiredError}
     * @memberof DeliveryApiInterface
     */
    receiveInviteStreamRequestOpts(requestParameters: ReceiveInviteStreamRequest): Promise<runtime.RequestOpts>;

    /**
     * The endpoint\'s invites as a stream of Server-Sent Events (the `text/event-stream` format of the WHATWG HTML standard): every invite pending for the endpoint, oldest first, then each new one as it arrives, on one response that stays open. It replaces polling `receiveInvites` in a loop: one request instead of one every 30 seconds, and no gap between two polls.  The stream starts with a `retry:` field (how long a client waits, in milliseconds, before it reconnects after the stream ends). Each invite is one event:  ```text id: <cursor> event: invite data: <the Invite as JSON, exactly as receiveInvites returns it, on one line> ```  The cursor is opaque: send the last one received as `Last-Event-ID` when reconnecting, and the stream continues after it (invites sent up to it are not sent again); without it, everything pending is sent. Delivery stays at-least-once until an invite is acknowledged with `acknowledgeInvite`, which is also what removes it from later streams. A comment line (`: heartbeat`) is sent at least every 25 seconds (`STREAM_HEARTBEAT_SECONDS`), so that proxies and load balancers keep the connection.  The service ends a stream after about an hour (`STREAM_MAX_SECONDS`, spread at random by up to a tenth, so that reconnecting clients spread over instances), when it drains (SIGTERM), and when the client stops reading (its unread events would pile up). A second stream for the same endpoint on the same instance ends the first: the newest wins. Streams count as waiting devices: past the instance\'s capacity a new one is refused with 503 and a `Retry-After` of 1 to 5 seconds, before it starts.  Browsers: `EventSource` cannot send `Authorization`, so read the stream with `fetch` (the typed client does, with reconnection and backoff). 
     * @summary Receive the endpoint\'s invites on one long-lived connection (Server-Sent Events)
     * @param {string} xuid The user\&#39;s XUID; must be the XUID of the caller\&#39;s user credential.
     * @param {string} endpointId The device\&#39;s own name for itself, stable across restarts (1 to 64 letters, digits, &#x60;.&#x60;, &#x60;_&#x60;, &#x60;~&#x60;, &#x60;-&#x60;, other than &#x60;.&#x60; and &#x60;..&#x60;).
     * @param {string} [xRequestId] A caller-chosen id for this request. When it is a &#x60;RequestId&#x60; (1 to 128 characters of letters, digits, &#x60;.&#x60;, &#x60;_&#x60;, &#x60;:&#x60; and &#x60;-&#x60;) it is returned in the response and written in the logs. When absent or anything else, the server makes one and the request is answered as if the header were absent: an id only correlates logs, so a malformed one never fails a request. Bounded by the server\&#39;s header size limit (431 beyond it). 
     * @param {string} [lastEventID] The cursor of the last event received, to continue after it (as &#x60;EventSource&#x60; sends it on reconnection).
     * @param {*} [options] Override http request option.
     * @throws {RequiredError}
     * @memberof DeliveryApiInterface
     */
    receiveInviteStreamRaw(requestParameters: ReceiveInviteStreamRequest, initOverrides?: RequestInit | runtime.InitOverrideFunction): Promise<runtime.ApiResponse<string>>;

    /**
     * The endpoint\'s invites as a stream of Server-Sent Events (the `text/event-stream` format of the WHATWG HTML standard): every invite pending for the endpoint, oldest first, then each new one as it arrives, on one response that stays open. It replaces polling `receiveInvites` in a loop: one request instead of one every 30 seconds, and no gap between two polls.  The stream starts with a `retry:` field (how long a client waits, in milliseconds, before it reconnects after the stream ends). Each invite is one event:  ```text id: <cursor> event: invite data: <the Invite as JSON, exactly as receiveInvites returns it, on one line> ```  The cursor is opaque: send the last one received as `Last-Event-ID` when reconnecting, and the stream continues after it (invites sent up to it are not sent again); without it, everything pending is sent. Delivery stays at-least-once until an invite is acknowledged with `acknowledgeInvite`, which is also what removes it from later streams. A comment line (`: heartbeat`) is sent at least every 25 seconds (`STREAM_HEARTBEAT_SECONDS`), so that proxies and load balancers keep the connection.  The service ends a stream after about an hour (`STREAM_MAX_SECONDS`, spread at random by up to a tenth, so that reconnecting clients spread over instances), when it drains (SIGTERM), and when the client stops reading (its unread events would pile up). A second stream for the same endpoint on the same instance ends the first: the newest wins. Streams count as waiting devices: past the instance\'s capacity a new one is refused with 503 and a `Retry-After` of 1 to 5 seconds, before it starts.  Browsers: `EventSource` cannot send `Authorization`, so read the stream with `fetch` (the typed client does, with reconnection and backoff). 
     * Receive the endpoint\'s invites on one long-lived connection (Server-Sent Events)
     */
    receiveInviteStream(requestParameters: ReceiveInviteStreamRequest, initOverrides?: RequestInit | runtime.InitOverrideFunction): Promise<string>;

    /**
     * Creates request options for receiveInvites without sending the request
     * @param {string} xuid The user\&#39;s XUID; must be the XUID of the caller\&#39;s user credential.
     * @param {string} endpointId The device\&#39;s own name for itself, stable across restarts (1 to 64 letters, digits, &#x60;.&#x60;, &#x60;_&#x60;, &#x60;~&#x60;, &#x60;-&#x60;, other than &#x60;.&#x60; and &#x60;..&#x60;).
     * @param {string} [xRequestId] A caller-chosen id for this request. When it is a &#x60;RequestId&#x60; (1 to 128 characters of letters, digits, &#x60;.&#x60;, &#x60;_&#x60;, &#x60;:&#x60; and &#x60;-&#x60;) it is returned in the response and written in the logs. When absent or anything else, the server makes one and the request is answered as if the header were absent: an id only correlates logs, so a malformed one never fails a request. Bounded by the server\&#39;s header size limit (431 beyond it). 
     * @param {number} [waitSeconds] How long to wait for an invite when none is pending (0 to 30 seconds).
     * @throws {RequiredError}
     * @memberof DeliveryApiInterface
     */
    receiveInvitesRequestOpts(requestParameters: ReceiveInvitesRequest): Promise<runtime.RequestOpts>;

    /**
     * Returns the invites pending for this endpoint, oldest first. When there are none and `waitSeconds` is above 0, waits up to that long for one to arrive (long poll) and answers as soon as one does. An invite stays pending until it is acknowledged or expires.  Delivery is at least once: every poll of the endpoint returns each invite pending for it, until the endpoint acknowledges it (or it expires), so a device may see an invite again (after a lost response, a crash before acknowledging, or polls made at once: concurrent polls of one endpoint each get everything pending). A device acts on an invite id once and acknowledges it.  Every invite sent to the user while the endpoint was registered is queued for it, whatever the endpoint\'s platform: `platform` travels with the invite (when the sender set one), and the device decides whether it can join. A queue holds at most 100 invites; when full, the oldest is dropped for the newest.  An instance holds a bounded number of waiting devices. When it holds its most, a request that would have to wait (`waitSeconds` above 0 and nothing pending) is refused with 503 `ServiceUnavailable` and a `Retry-After` of 1 to 5 seconds, chosen at random so that the devices refused together do not return together (and, behind a load balancer, often reach another instance). Pending invites are still answered at once: only the wait is refused, not the read. Answering such a request at once with nothing instead would turn every refused device into one polling in a loop. 
     * @summary Receive the invites pending for an endpoint
     * @param {string} xuid The user\&#39;s XUID; must be the XUID of the caller\&#39;s user credential.
     * @param {string} endpointId The device\&#39;s own name for itself, stable across restarts (1 to 64 letters, digits, &#x60;.&#x60;, &#x60;_&#x60;, &#x60;~&#x60;, &#x60;-&#x60;, other than &#x60;.&#x60; and &#x60;..&#x60;).
     * @param {string} [xRequestId] A caller-chosen id for this request. When it is a &#x60;RequestId&#x60; (1 to 128 characters of letters, digits, &#x60;.&#x60;, &#x60;_&#x60;, &#x60;:&#x60; and &#x60;-&#x60;) it is returned in the response and written in the logs. When absent or anything else, the server makes one and the request is answered as if the header were absent: an id only correlates logs, so a malformed one never fails a request. Bounded by the server\&#39;s header size limit (431 beyond it). 
     * @param {number} [waitSeconds] How long to wait for an invite when none is pending (0 to 30 seconds).
     * @param {*} [options] Override http request option.
     * @throws {RequiredError}
     * @memberof DeliveryApiInterface
     */
    receiveInvitesRaw(requestParameters: ReceiveInvitesRequest, initOverrides?: RequestInit | runtime.InitOverrideFunction): Promise<runtime.ApiResponse<InviteList>>;

    /**
     * Returns the invites pending for this endpoint, oldest first. When there are none and `waitSeconds` is above 0, waits up to that long for one to arrive (long poll) and answers as soon as one does. An invite stays pending until it is acknowledged or expires.  Delivery is at least once: every poll of the endpoint returns each invite pending for it, until the endpoint acknowledges it (or it expires), so a device may see an invite again (after a lost response, a crash before acknowledging, or polls made at once: concurrent polls of one endpoint each get everything pending). A device acts on an invite id once and acknowledges it.  Every invite sent to the user while the endpoint was registered is queued for it, whatever the endpoint\'s platform: `platform` travels with the invite (when the sender set one), and the device decides whether it can join. A queue holds at most 100 invites; when full, the oldest is dropped for the newest.  An instance holds a bounded number of waiting devices. When it holds its most, a request that would have to wait (`waitSeconds` above 0 and nothing pending) is refused with 503 `ServiceUnavailable` and a `Retry-After` of 1 to 5 seconds, chosen at random so that the devices refused together do not return together (and, behind a load balancer, often reach another instance). Pending invites are still answered at once: only the wait is refused, not the read. Answering such a request at once with nothing instead would turn every refused device into one polling in a loop. 
     * Receive the invites pending for an endpoint
     */
    receiveInvites(requestParameters: ReceiveInvitesRequest, initOverrides?: RequestInit | runtime.InitOverrideFunction): Promise<InviteList>;

    /**
     * Creates request options for registerEndpoint without sending the request
     * @param {string} xuid The user\&#39;s XUID; must be the XUID of the caller\&#39;s user credential.
     * @param {string} endpointId The device\&#39;s own name for itself, stable across restarts (1 to 64 letters, digits, &#x60;.&#x60;, &#x60;_&#x60;, &#x60;~&#x60;, &#x60;-&#x60;, other than &#x60;.&#x60; and &#x60;..&#x60;).
     * @param {EndpointRegistration} endpointRegistration 
     * @param {string} [xRequestId] A caller-chosen id for this request. When it is a &#x60;RequestId&#x60; (1 to 128 characters of letters, digits, &#x60;.&#x60;, &#x60;_&#x60;, &#x60;:&#x60; and &#x60;-&#x60;) it is returned in the response and written in the logs. When absent or anything else, the server makes one and the request is answered as if the header were absent: an id only correlates logs, so a malformed one never fails a request. Bounded by the server\&#39;s header size limit (431 beyond it). 
     * @throws {RequiredError}
     * @memberof DeliveryApiInterface
     */
    registerEndpointRequestOpts(requestParameters: RegisterEndpointRequest): Promise<runtime.RequestOpts>;

    /**
     * Registers a device of the user as an endpoint that receives invites, or refreshes its registration (platform and expiry). A registration expires `ttlSeconds` after its last refresh (default 30 days); an expired endpoint receives nothing and is forgotten.  A user has at most a bounded number of live endpoints (32 unless the deployment sets another): every invite sent to the user is queued once per endpoint, so an unbounded number would let one account make every send to it arbitrarily expensive. Registering one more is refused with 409 `TooManyEndpoints`; refreshing an existing registration never is. Unregister a device (or let its registration expire) to make room.  Needs the user\'s own credential (`XBL3.0 x=<userhash>;<token>` whose `xid` is `{xuid}`). 
     * @summary Register or refresh an endpoint
     * @param {string} xuid The user\&#39;s XUID; must be the XUID of the caller\&#39;s user credential.
     * @param {string} endpointId The device\&#39;s own name for itself, stable across restarts (1 to 64 letters, digits, &#x60;.&#x60;, &#x60;_&#x60;, &#x60;~&#x60;, &#x60;-&#x60;, other than &#x60;.&#x60; and &#x60;..&#x60;).
     * @param {EndpointRegistration} endpointRegistration 
     * @param {string} [xRequestId] A caller-chosen id for this request. When it is a &#x60;RequestId&#x60; (1 to 128 characters of letters, digits, &#x60;.&#x60;, &#x60;_&#x60;, &#x60;:&#x60; and &#x60;-&#x60;) it is returned in the response and written in the logs. When absent or anything else, the server makes one and the request is answered as if the header were absent: an id only correlates logs, so a malformed one never fails a request. Bounded by the server\&#39;s header size limit (431 beyond it). 
     * @param {*} [options] Override http request option.
     * @throws {RequiredError}
     * @memberof DeliveryApiInterface
     */
    registerEndpointRaw(requestParameters: RegisterEndpointRequest, initOverrides?: RequestInit | runtime.InitOverrideFunction): Promise<runtime.ApiResponse<Endpoint>>;

    /**
     * Registers a device of the user as an endpoint that receives invites, or refreshes its registration (platform and expiry). A registration expires `ttlSeconds` after its last refresh (default 30 days); an expired endpoint receives nothing and is forgotten.  A user has at most a bounded number of live endpoints (32 unless the deployment sets another): every invite sent to the user is queued once per endpoint, so an unbounded number would let one account make every send to it arbitrarily expensive. Registering one more is refused with 409 `TooManyEndpoints`; refreshing an existing registration never is. Unregister a device (or let its registration expire) to make room.  Needs the user\'s own credential (`XBL3.0 x=<userhash>;<token>` whose `xid` is `{xuid}`). 
     * Register or refresh an endpoint
     */
    registerEndpoint(requestParameters: RegisterEndpointRequest, initOverrides?: RequestInit | runtime.InitOverrideFunction): Promise<Endpoint>;

    /**
     * Creates request options for unregisterEndpoint without sending the request
     * @param {string} xuid The user\&#39;s XUID; must be the XUID of the caller\&#39;s user credential.
     * @param {string} endpointId The device\&#39;s own name for itself, stable across restarts (1 to 64 letters, digits, &#x60;.&#x60;, &#x60;_&#x60;, &#x60;~&#x60;, &#x60;-&#x60;, other than &#x60;.&#x60; and &#x60;..&#x60;).
     * @param {string} [xRequestId] A caller-chosen id for this request. When it is a &#x60;RequestId&#x60; (1 to 128 characters of letters, digits, &#x60;.&#x60;, &#x60;_&#x60;, &#x60;:&#x60; and &#x60;-&#x60;) it is returned in the response and written in the logs. When absent or anything else, the server makes one and the request is answered as if the header were absent: an id only correlates logs, so a malformed one never fails a request. Bounded by the server\&#39;s header size limit (431 beyond it). 
     * @throws {RequiredError}
     * @memberof DeliveryApiInterface
     */
    unregisterEndpointRequestOpts(requestParameters: UnregisterEndpointRequest): Promise<runtime.RequestOpts>;

    /**
     * Removes the endpoint and the invites queued for it. Idempotent: unregistering an endpoint that is not registered also answers 204. 
     * @summary Unregister an endpoint
     * @param {string} xuid The user\&#39;s XUID; must be the XUID of the caller\&#39;s user credential.
     * @param {string} endpointId The device\&#39;s own name for itself, stable across restarts (1 to 64 letters, digits, &#x60;.&#x60;, &#x60;_&#x60;, &#x60;~&#x60;, &#x60;-&#x60;, other than &#x60;.&#x60; and &#x60;..&#x60;).
     * @param {string} [xRequestId] A caller-chosen id for this request. When it is a &#x60;RequestId&#x60; (1 to 128 characters of letters, digits, &#x60;.&#x60;, &#x60;_&#x60;, &#x60;:&#x60; and &#x60;-&#x60;) it is returned in the response and written in the logs. When absent or anything else, the server makes one and the request is answered as if the header were absent: an id only correlates logs, so a malformed one never fails a request. Bounded by the server\&#39;s header size limit (431 beyond it). 
     * @param {*} [options] Override http request option.
     * @throws {RequiredError}
     * @memberof DeliveryApiInterface
     */
    unregisterEndpointRaw(requestParameters: UnregisterEndpointRequest, initOverrides?: RequestInit | runtime.InitOverrideFunction): Promise<runtime.ApiResponse<void>>;

    /**
     * Removes the endpoint and the invites queued for it. Idempotent: unregistering an endpoint that is not registered also answers 204. 
     * Unregister an endpoint
     */
    unregisterEndpoint(requestParameters: UnregisterEndpointRequest, initOverrides?: RequestInit | runtime.InitOverrideFunction): Promise<void>;

}

/**
 * 
 */
export class DeliveryApi extends runtime.BaseAPI implements DeliveryApiInterface {

    /**
     * Creates request options for acknowledgeInvite without sending the request
     */
    async acknowledgeInviteRequestOpts(requestParameters: AcknowledgeInviteRequest): Promise<runtime.RequestOpts> {
        if (requestParameters['xuid'] == null) {
            throw new runtime.RequiredError(
                'xuid',
                'Required parameter "xuid" was null or undefined when calling acknowledgeInvite().'
            );
        }

        if (requestParameters['endpointId'] == null) {
            throw new runtime.RequiredError(
                'endpointId',
                'Required parameter "endpointId" was null or undefined when calling acknowledgeInvite().'
            );
        }

        if (requestParameters['inviteId'] == null) {
            throw new runtime.RequiredError(
                'inviteId',
                'Required parameter "inviteId" was null or undefined when calling acknowledgeInvite().'
            );
        }

        const queryParameters: any = {};

        const headerParameters: runtime.HTTPHeaders = {};

        if (requestParameters['xRequestId'] != null) {
            headerParameters['X-Request-Id'] = String(requestParameters['xRequestId']);
        }

        if (this.configuration && this.configuration.apiKey) {
            headerParameters["Authorization"] = await this.configuration.apiKey("Authorization"); // XblAuth authentication
        }


        let urlPath = `/users/{xuid}/endpoints/{endpointId}/invites/{inviteId}`;
        urlPath = urlPath.replace('{xuid}', encodeURIComponent(String(requestParameters['xuid'])));
        urlPath = urlPath.replace('{endpointId}', encodeURIComponent(String(requestParameters['endpointId'])));
        urlPath = urlPath.replace('{inviteId}', encodeURIComponent(String(requestParameters['inviteId'])));

        return {
            path: urlPath,
            method: 'DELETE',
            headers: headerParameters,
            query: queryParameters,
        };
    }

    /**
     * The endpoint has the invite; it is never delivered to this endpoint again.
     * Acknowledge an invite
     */
    async acknowledgeInviteRaw(requestParameters: AcknowledgeInviteRequest, initOverrides?: RequestInit | runtime.InitOverrideFunction): Promise<runtime.ApiResponse<void>> {
        const requestOptions = await this.acknowledgeInviteRequestOpts(requestParameters);
        const response = await this.request(requestOptions, initOverrides);

        return new runtime.VoidApiResponse(response);
    }

    /**
     * The endpoint has the invite; it is never delivered to this endpoint again.
     * Acknowledge an invite
     */
    async acknowledgeInvite(requestParameters: AcknowledgeInviteRequest, initOverrides?: RequestInit | runtime.InitOverrideFunction): Promise<void> {
        await this.acknowledgeInviteRaw(requestParameters, initOverrides);
    }

    /**
     * Creates request options for receiveInviteStream without sending the request
     */
    async receiveInviteStreamRequestOpts(requestParameters: ReceiveInviteStreamRequest): Promise<runtime.RequestOpts> {
        if (requestParameters['xuid'] == null) {
            throw new runtime.RequiredError(
                'xuid',
                'Required parameter "xuid" was null or undefined when calling receiveInviteStream().'
            );
        }

        if (requestParameters['endpointId'] == null) {
            throw new runtime.RequiredError(
                'endpointId',
                'Required parameter "endpointId" was null or undefined when calling receiveInviteStream().'
            );
        }

        const queryParameters: any = {};

        const headerParameters: runtime.HTTPHeaders = {};

        if (requestParameters['xRequestId'] != null) {
            headerParameters['X-Request-Id'] = String(requestParameters['xRequestId']);
        }

        if (requestParameters['lastEventID'] != null) {
            headerParameters['Last-Event-ID'] = String(requestParameters['lastEventID']);
        }

        if (this.configuration && this.configuration.apiKey) {
            headerParameters["Authorization"] = await this.configuration.apiKey("Authorization"); // XblAuth authentication
        }


        let urlPath = `/users/{xuid}/endpoints/{endpointId}/invites/stream`;
        urlPath = urlPath.replace('{xuid}', encodeURIComponent(String(requestParameters['xuid'])));
        urlPath = urlPath.replace('{endpointId}', encodeURIComponent(String(requestParameters['endpointId'])));

        return {
            path: urlPath,
            method: 'GET',
            headers: headerParameters,
            query: queryParameters,
        };
    }

    /**
     * The endpoint\'s invites as a stream of Server-Sent Events (the `text/event-stream` format of the WHATWG HTML standard): every invite pending for the endpoint, oldest first, then each new one as it arrives, on one response that stays open. It replaces polling `receiveInvites` in a loop: one request instead of one every 30 seconds, and no gap between two polls.  The stream starts with a `retry:` field (how long a client waits, in milliseconds, before it reconnects after the stream ends). Each invite is one event:  ```text id: <cursor> event: invite data: <the Invite as JSON, exactly as receiveInvites returns it, on one line> ```  The cursor is opaque: send the last one received as `Last-Event-ID` when reconnecting, and the stream continues after it (invites sent up to it are not sent again); without it, everything pending is sent. Delivery stays at-least-once until an invite is acknowledged with `acknowledgeInvite`, which is also what removes it from later streams. A comment line (`: heartbeat`) is sent at least every 25 seconds (`STREAM_HEARTBEAT_SECONDS`), so that proxies and load balancers keep the connection.  The service ends a stream after about an hour (`STREAM_MAX_SECONDS`, spread at random by up to a tenth, so that reconnecting clients spread over instances), when it drains (SIGTERM), and when the client stops reading (its unread events would pile up). A second stream for the same endpoint on the same instance ends the first: the newest wins. Streams count as waiting devices: past the instance\'s capacity a new one is refused with 503 and a `Retry-After` of 1 to 5 seconds, before it starts.  Browsers: `EventSource` cannot send `Authorization`, so read the stream with `fetch` (the typed client does, with reconnection and backoff). 
     * Receive the endpoint\'s invites on one long-lived connection (Server-Sent Events)
     */
    async receiveInviteStreamRaw(requestParameters: ReceiveInviteStreamRequest, initOverrides?: RequestInit | runtime.InitOverrideFunction): Promise<runtime.ApiResponse<string>> {
        const requestOptions = await this.receiveInviteStreamRequestOpts(requestParameters);
        const response = await this.request(requestOptions, initOverrides);

        if (this.isJsonMime(response.headers.get('content-type'))) {
            return new runtime.JSONApiResponse<string>(response);
        } else {
            return new runtime.TextApiResponse(response) as any;
        }
    }

    /**
     * The endpoint\'s invites as a stream of Server-Sent Events (the `text/event-stream` format of the WHATWG HTML standard): every invite pending for the endpoint, oldest first, then each new one as it arrives, on one response that stays open. It replaces polling `receiveInvites` in a loop: one request instead of one every 30 seconds, and no gap between two polls.  The stream starts with a `retry:` field (how long a client waits, in milliseconds, before it reconnects after the stream ends). Each invite is one event:  ```text id: <cursor> event: invite data: <the Invite as JSON, exactly as receiveInvites returns it, on one line> ```  The cursor is opaque: send the last one received as `Last-Event-ID` when reconnecting, and the stream continues after it (invites sent up to it are not sent again); without it, everything pending is sent. Delivery stays at-least-once until an invite is acknowledged with `acknowledgeInvite`, which is also what removes it from later streams. A comment line (`: heartbeat`) is sent at least every 25 seconds (`STREAM_HEARTBEAT_SECONDS`), so that proxies and load balancers keep the connection.  The service ends a stream after about an hour (`STREAM_MAX_SECONDS`, spread at random by up to a tenth, so that reconnecting clients spread over instances), when it drains (SIGTERM), and when the client stops reading (its unread events would pile up). A second stream for the same endpoint on the same instance ends the first: the newest wins. Streams count as waiting devices: past the instance\'s capacity a new one is refused with 503 and a `Retry-After` of 1 to 5 seconds, before it starts.  Browsers: `EventSource` cannot send `Authorization`, so read the stream with `fetch` (the typed client does, with reconnection and backoff). 
     * Receive the endpoint\'s invites on one long-lived connection (Server-Sent Events)
     */
    async receiveInviteStream(requestParameters: ReceiveInviteStreamRequest, initOverrides?: RequestInit | runtime.InitOverrideFunction): Promise<string> {
        const response = await this.receiveInviteStreamRaw(requestParameters, initOverrides);
        return await response.value();
    }

    /**
     * Creates request options for receiveInvites without sending the request
     */
    async receiveInvitesRequestOpts(requestParameters: ReceiveInvitesRequest): Promise<runtime.RequestOpts> {
        if (requestParameters['xuid'] == null) {
            throw new runtime.RequiredError(
                'xuid',
                'Required parameter "xuid" was null or undefined when calling receiveInvites().'
            );
        }

        if (requestParameters['endpointId'] == null) {
            throw new runtime.RequiredError(
                'endpointId',
                'Required parameter "endpointId" was null or undefined when calling receiveInvites().'
            );
        }

        const queryParameters: any = {};

        if (requestParameters['waitSeconds'] != null) {
            queryParameters['waitSeconds'] = requestParameters['waitSeconds'];
        }

        const headerParameters: runtime.HTTPHeaders = {};

        if (requestParameters['xRequestId'] != null) {
            headerParameters['X-Request-Id'] = String(requestParameters['xRequestId']);
        }

        if (this.configuration && this.configuration.apiKey) {
            headerParameters["Authorization"] = await this.configuration.apiKey("Authorization"); // XblAuth authentication
        }


        let urlPath = `/users/{xuid}/endpoints/{endpointId}/invites`;
        urlPath = urlPath.replace('{xuid}', encodeURIComponent(String(requestParameters['xuid'])));
        urlPath = urlPath.replace('{endpointId}', encodeURIComponent(String(requestParameters['endpointId'])));

        return {
            path: urlPath,
            method: 'GET',
            headers: headerParameters,
            query: queryParameters,
        };
    }

    /**
     * Returns the invites pending for this endpoint, oldest first. When there are none and `waitSeconds` is above 0, waits up to that long for one to arrive (long poll) and answers as soon as one does. An invite stays pending until it is acknowledged or expires.  Delivery is at least once: every poll of the endpoint returns each invite pending for it, until the endpoint acknowledges it (or it expires), so a device may see an invite again (after a lost response, a crash before acknowledging, or polls made at once: concurrent polls of one endpoint each get everything pending). A device acts on an invite id once and acknowledges it.  Every invite sent to the user while the endpoint was registered is queued for it, whatever the endpoint\'s platform: `platform` travels with the invite (when the sender set one), and the device decides whether it can join. A queue holds at most 100 invites; when full, the oldest is dropped for the newest.  An instance holds a bounded number of waiting devices. When it holds its most, a request that would have to wait (`waitSeconds` above 0 and nothing pending) is refused with 503 `ServiceUnavailable` and a `Retry-After` of 1 to 5 seconds, chosen at random so that the devices refused together do not return together (and, behind a load balancer, often reach another instance). Pending invites are still answered at once: only the wait is refused, not the read. Answering such a request at once with nothing instead would turn every refused device into one polling in a loop. 
     * Receive the invites pending for an endpoint
     */
    async receiveInvitesRaw(requestParameters: ReceiveInvitesRequest, initOverrides?: RequestInit | runtime.InitOverrideFunction): Promise<runtime.ApiResponse<InviteList>> {
        const requestOptions = await this.receiveInvitesRequestOpts(requestParameters);
        const response = await this.request(requestOptions, initOverrides);

        return new runtime.JSONApiResponse(response, (jsonValue) => InviteListFromJSON(jsonValue));
    }

    /**
     * Returns the invites pending for this endpoint, oldest first. When there are none and `waitSeconds` is above 0, waits up to that long for one to arrive (long poll) and answers as soon as one does. An invite stays pending until it is acknowledged or expires.  Delivery is at least once: every poll of the endpoint returns each invite pending for it, until the endpoint acknowledges it (or it expires), so a device may see an invite again (after a lost response, a crash before acknowledging, or polls made at once: concurrent polls of one endpoint each get everything pending). A device acts on an invite id once and acknowledges it.  Every invite sent to the user while the endpoint was registered is queued for it, whatever the endpoint\'s platform: `platform` travels with the invite (when the sender set one), and the device decides whether it can join. A queue holds at most 100 invites; when full, the oldest is dropped for the newest.  An instance holds a bounded number of waiting devices. When it holds its most, a request that would have to wait (`waitSeconds` above 0 and nothing pending) is refused with 503 `ServiceUnavailable` and a `Retry-After` of 1 to 5 seconds, chosen at random so that the devices refused together do not return together (and, behind a load balancer, often reach another instance). Pending invites are still answered at once: only the wait is refused, not the read. Answering such a request at once with nothing instead would turn every refused device into one polling in a loop. 
     * Receive the invites pending for an endpoint
     */
    async receiveInvites(requestParameters: ReceiveInvitesRequest, initOverrides?: RequestInit | runtime.InitOverrideFunction): Promise<InviteList> {
        const response = await this.receiveInvitesRaw(requestParameters, initOverrides);
        return await response.value();
    }

    /**
     * Creates request options for registerEndpoint without sending the request
     */
    async registerEndpointRequestOpts(requestParameters: RegisterEndpointRequest): Promise<runtime.RequestOpts> {
        if (requestParameters['xuid'] == null) {
            throw new runtime.RequiredError(
                'xuid',
                'Required parameter "xuid" was null or undefined when calling registerEndpoint().'
            );
        }

        if (requestParameters['endpointId'] == null) {
            throw new runtime.RequiredError(
                'endpointId',
                'Required parameter "endpointId" was null or undefined when calling registerEndpoint().'
            );
        }

        if (requestParameters['endpointRegistration'] == null) {
            throw new runtime.RequiredError(
                'endpointRegistration',
                'Required parameter "endpointRegistration" was null or undefined when calling registerEndpoint().'
            );
        }

        const queryParameters: any = {};

        const headerParameters: runtime.HTTPHeaders = {};

        headerParameters['Content-Type'] = 'application/json';

        if (requestParameters['xRequestId'] != null) {
            headerParameters['X-Request-Id'] = String(requestParameters['xRequestId']);
        }

        if (this.configuration && this.configuration.apiKey) {
            headerParameters["Authorization"] = await this.configuration.apiKey("Authorization"); // XblAuth authentication
        }


        let urlPath = `/users/{xuid}/endpoints/{endpointId}`;
        urlPath = urlPath.replace('{xuid}', encodeURIComponent(String(requestParameters['xuid'])));
        urlPath = urlPath.replace('{endpointId}', encodeURIComponent(String(requestParameters['endpointId'])));

        return {
            path: urlPath,
            method: 'PUT',
            headers: headerParameters,
            query: queryParameters,
            body: EndpointRegistrationToJSON(requestParameters['endpointRegistration']),
        };
    }

    /**
     * Registers a device of the user as an endpoint that receives invites, or refreshes its registration (platform and expiry). A registration expires `ttlSeconds` after its last refresh (default 30 days); an expired endpoint receives nothing and is forgotten.  A user has at most a bounded number of live endpoints (32 unless the deployment sets another): every invite sent to the user is queued once per endpoint, so an unbounded number would let one account make every send to it arbitrarily expensive. Registering one more is refused with 409 `TooManyEndpoints`; refreshing an existing registration never is. Unregister a device (or let its registration expire) to make room.  Needs the user\'s own credential (`XBL3.0 x=<userhash>;<token>` whose `xid` is `{xuid}`). 
     * Register or refresh an endpoint
     */
    async registerEndpointRaw(requestParameters: RegisterEndpointRequest, initOverrides?: RequestInit | runtime.InitOverrideFunction): Promise<runtime.ApiResponse<Endpoint>> {
        const requestOptions = await this.registerEndpointRequestOpts(requestParameters);
        const response = await this.request(requestOptions, initOverrides);

        return new runtime.JSONApiResponse(response, (jsonValue) => EndpointFromJSON(jsonValue));
    }

    /**
     * Registers a device of the user as an endpoint that receives invites, or refreshes its registration (platform and expiry). A registration expires `ttlSeconds` after its last refresh (default 30 days); an expired endpoint receives nothing and is forgotten.  A user has at most a bounded number of live endpoints (32 unless the deployment sets another): every invite sent to the user is queued once per endpoint, so an unbounded number would let one account make every send to it arbitrarily expensive. Registering one more is refused with 409 `TooManyEndpoints`; refreshing an existing registration never is. Unregister a device (or let its registration expire) to make room.  Needs the user\'s own credential (`XBL3.0 x=<userhash>;<token>` whose `xid` is `{xuid}`). 
     * Register or refresh an endpoint
     */
    async registerEndpoint(requestParameters: RegisterEndpointRequest, initOverrides?: RequestInit | runtime.InitOverrideFunction): Promise<Endpoint> {
        const response = await this.registerEndpointRaw(requestParameters, initOverrides);
        return await response.value();
    }

    /**
     * Creates request options for unregisterEndpoint without sending the request
     */
    async unregisterEndpointRequestOpts(requestParameters: UnregisterEndpointRequest): Promise<runtime.RequestOpts> {
        if (requestParameters['xuid'] == null) {
            throw new runtime.RequiredError(
                'xuid',
                'Required parameter "xuid" was null or undefined when calling unregisterEndpoint().'
            );
        }

        if (requestParameters['endpointId'] == null) {
            throw new runtime.RequiredError(
                'endpointId',
                'Required parameter "endpointId" was null or undefined when calling unregisterEndpoint().'
            );
        }

        const queryParameters: any = {};

        const headerParameters: runtime.HTTPHeaders = {};

        if (requestParameters['xRequestId'] != null) {
            headerParameters['X-Request-Id'] = String(requestParameters['xRequestId']);
        }

        if (this.configuration && this.configuration.apiKey) {
            headerParameters["Authorization"] = await this.configuration.apiKey("Authorization"); // XblAuth authentication
        }


        let urlPath = `/users/{xuid}/endpoints/{endpointId}`;
        urlPath = urlPath.replace('{xuid}', encodeURIComponent(String(requestParameters['xuid'])));
        urlPath = urlPath.replace('{endpointId}', encodeURIComponent(String(requestParameters['endpointId'])));

        return {
            path: urlPath,
            method: 'DELETE',
            headers: headerParameters,
            query: queryParameters,
        };
    }

    /**
     * Removes the endpoint and the invites queued for it. Idempotent: unregistering an endpoint that is not registered also answers 204. 
     * Unregister an endpoint
     */
    async unregisterEndpointRaw(requestParameters: UnregisterEndpointRequest, initOverrides?: RequestInit | runtime.InitOverrideFunction): Promise<runtime.ApiResponse<void>> {
        const requestOptions = await this.unregisterEndpointRequestOpts(requestParameters);
        const response = await this.request(requestOptions, initOverrides);

        return new runtime.VoidApiResponse(response);
    }

    /**
     * Removes the endpoint and the invites queued for it. Idempotent: unregistering an endpoint that is not registered also answers 204. 
     * Unregister an endpoint
     */
    async unregisterEndpoint(requestParameters: UnregisterEndpointRequest, initOverrides?: RequestInit | runtime.InitOverrideFunction): Promise<void> {
        await this.unregisterEndpointRaw(requestParameters, initOverrides);
    }

}
