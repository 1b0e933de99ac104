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
    type ErrorResponse,
    ErrorResponseFromJSON,
    ErrorResponseToJSON,
} from '../models/ErrorResponse.js';
import {
    type SendServerInviteRequest,
    SendServerInviteRequestFromJSON,
    SendServerInviteRequestToJSON,
} from '../models/SendServerInviteRequest.js';
import {
    type ThrottledEntity,
    ThrottledEntityFromJSON,
    ThrottledEntityToJSON,
} from '../models/ThrottledEntity.js';

export interface SendServerInviteOperationRequest {
    /**
     * The title id of the game the request is sent for: an unsigned 32-bit integer in base 10
     * (the hex title id 0x6CF217A8 is 1827805096).
     * 
     */
    titleId: number;
    /**
     * 
     */
    sendServerInviteRequest: SendServerInviteRequest;
    /**
     * The contract version the caller speaks. Only version 1 exists; absent means 1.
     */
    xXblContractVersion?: number;
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
     * Makes a send safe to retry (see the operation): a key the caller makes for one send and
     * sends again, unchanged, with each retry of it; a new send gets a new key (a UUID v4 is a
     * good one; the typed client makes one for every send). Written as the draft's Structured
     * Field string (`"8e03978e-40d5-43e8-bc93-6894a57f9324"`, in double quotes) or bare; both
     * name the same key. Outside the `IdempotencyKey` form it is refused with 400
     * `RequestValidationError`.
     * 
     */
    idempotencyKey?: string;
}

/**
 * InvitesApi - interface
 * 
 * @export
 * @interface InvitesApiInterface
 */
export interface InvitesApiInterface {
    /**
     * Creates request options for sendServerInvite without sending the request
     * @param {number} titleId The title id of the game the request is sent for: an unsigned 32-bit integer in base 10 (the hex title id 0x6CF217A8 is 1827805096). 
     * @param {SendServerInviteRequest} sendServerInviteRequest The invite. &#x60;Content-Type&#x60; must be &#x60;application/json&#x60;; a &#x60;charset&#x60; parameter, if any, must name UTF-8 (&#x60;utf-8&#x60; or &#x60;utf8&#x60;), and the body must be valid UTF-8. 
     * @param {number} [xXblContractVersion] The contract version the caller speaks. Only version 1 exists; absent means 1.
     * @param {string} [xRequestId] A caller-chosen id for this request. When it is a &#x60;RequestId&#x60; (1 to 128 characters of letters, digits, &#x60;.&#x60;, &#x60;_&#x60;, &#x60;:&#x60; and &#x60;-&#x60;) it is returned in the response and written in the logs. When absent or anything else, the server makes one and the request is answered as if the header were absent: an id only correlates logs, so a malformed one never fails a request. Bounded by the server\&#39;s header size limit (431 beyond it). 
     * @param {string} [idempotencyKey] Makes a send safe to retry (see the operation): a key the caller makes for one send and sends again, unchanged, with each retry of it; a new send gets a new key (a UUID v4 is a good one; the typed client makes one for every send). Written as the draft\&#39;s Structured Field string (&#x60;\&quot;8e03978e-40d5-43e8-bc93-6894a57f9324\&quot;&#x60;, in double quotes) or bare; both name the same key. Outside the &#x60;IdempotencyKey&#x60; form it is refused with 400 &#x60;RequestValidationError&#x60;. 
     * @throws {RequiredError}
     * @memberof InvitesApiInterface
     */
    sendServerInviteRequestOpts(requestParameters: SendServerInviteOperationRequest): Promise<runtime.RequestOpts>;

    /**
     * Sends an invite to Xbox users with the given connection string, on behalf of `sender`.  A game server calls this with its own service credential (`XBL3.0 x=-;<token>`), which must cover `{titleId}`. The connection string is passed to the game when the invite reaches the user; it usually contains the server\'s address. The invite is sent to all registered endpoints of each invited user, regardless of platform.  Invites are throttled per `sender` and title over two windows at once: a burst window (7 requests per 15 s) and a sustain window (50 requests per 300 s); throttled requests still count toward the sustain window. Callers are also limited in the number of requests they may have in flight at once.  **Retrying safely.** With an `Idempotency-Key` (IETF HTTPAPI draft \"The Idempotency-Key HTTP Header Field\"), a retry of the same send, with the same key and the same body, within the service\'s window (24 hours unless the deployment sets another) gives the same answer and delivers nothing twice: after a 204 the retry answers 204 (without `RateLimit` headers: it used no quota) and delivers nothing; after a failure (a 503, a timeout, a lost connection) in which some invitees got the invite and others did not, the retry delivers it to those that did not, and to no one twice. The same key with another body answers 422 `IdempotencyKeyReused`; the same key while the first request is still being answered answers 409 `IdempotencyKeyInProgress` with `Retry-After`. A key belongs to the caller (the credential\'s subject) and the title: another caller\'s key never matches. Without the header a retry is a new send, as with the vendor\'s API, and may invite twice. 
     * @summary Send Server Invite
     * @param {number} titleId The title id of the game the request is sent for: an unsigned 32-bit integer in base 10 (the hex title id 0x6CF217A8 is 1827805096). 
     * @param {SendServerInviteRequest} sendServerInviteRequest The invite. &#x60;Content-Type&#x60; must be &#x60;application/json&#x60;; a &#x60;charset&#x60; parameter, if any, must name UTF-8 (&#x60;utf-8&#x60; or &#x60;utf8&#x60;), and the body must be valid UTF-8. 
     * @param {number} [xXblContractVersion] The contract version the caller speaks. Only version 1 exists; absent means 1.
     * @param {string} [xRequestId] A caller-chosen id for this request. When it is a &#x60;RequestId&#x60; (1 to 128 characters of letters, digits, &#x60;.&#x60;, &#x60;_&#x60;, &#x60;:&#x60; and &#x60;-&#x60;) it is returned in the response and written in the logs. When absent or anything else, the server makes one and the request is answered as if the header were absent: an id only correlates logs, so a malformed one never fails a request. Bounded by the server\&#39;s header size limit (431 beyond it). 
     * @param {string} [idempotencyKey] Makes a send safe to retry (see the operation): a key the caller makes for one send and sends again, unchanged, with each retry of it; a new send gets a new key (a UUID v4 is a good one; the typed client makes one for every send). Written as the draft\&#39;s Structured Field string (&#x60;\&quot;8e03978e-40d5-43e8-bc93-6894a57f9324\&quot;&#x60;, in double quotes) or bare; both name the same key. Outside the &#x60;IdempotencyKey&#x60; form it is refused with 400 &#x60;RequestValidationError&#x60;. 
     * @param {*} [options] Override http request option.
     * @throws {RequiredError}
     * @memberof InvitesApiInterface
     */
    sendServerInviteRaw(requestParameters: SendServerInviteOperationRequest, initOverrides?: RequestInit | runtime.InitOverrideFunction): Promise<runtime.ApiResponse<void>>;

    /**
     * Sends an invite to Xbox users with the given connection string, on behalf of `sender`.  A game server calls this with its own service credential (`XBL3.0 x=-;<token>`), which must cover `{titleId}`. The connection string is passed to the game when the invite reaches the user; it usually contains the server\'s address. The invite is sent to all registered endpoints of each invited user, regardless of platform.  Invites are throttled per `sender` and title over two windows at once: a burst window (7 requests per 15 s) and a sustain window (50 requests per 300 s); throttled requests still count toward the sustain window. Callers are also limited in the number of requests they may have in flight at once.  **Retrying safely.** With an `Idempotency-Key` (IETF HTTPAPI draft \"The Idempotency-Key HTTP Header Field\"), a retry of the same send, with the same key and the same body, within the service\'s window (24 hours unless the deployment sets another) gives the same answer and delivers nothing twice: after a 204 the retry answers 204 (without `RateLimit` headers: it used no quota) and delivers nothing; after a failure (a 503, a timeout, a lost connection) in which some invitees got the invite and others did not, the retry delivers it to those that did not, and to no one twice. The same key with another body answers 422 `IdempotencyKeyReused`; the same key while the first request is still being answered answers 409 `IdempotencyKeyInProgress` with `Retry-After`. A key belongs to the caller (the credential\'s subject) and the title: another caller\'s key never matches. Without the header a retry is a new send, as with the vendor\'s API, and may invite twice. 
     * Send Server Invite
     */
    sendServerInvite(requestParameters: SendServerInviteOperationRequest, initOverrides?: RequestInit | runtime.InitOverrideFunction): Promise<void>;

}

/**
 * 
 */
export class InvitesApi extends runtime.BaseAPI implements InvitesApiInterface {

    /**
     * Creates request options for sendServerInvite without sending the request
     */
    async sendServerInviteRequestOpts(requestParameters: SendServerInviteOperationRequest): Promise<runtime.RequestOpts> {
        if (requestParameters['titleId'] == null) {
            throw new runtime.RequiredError(
                'titleId',
                'Required parameter "titleId" was null or undefined when calling sendServerInvite().'
            );
        }

        if (requestParameters['sendServerInviteRequest'] == null) {
            throw new runtime.RequiredError(
                'sendServerInviteRequest',
                'Required parameter "sendServerInviteRequest" was null or undefined when calling sendServerInvite().'
            );
        }

        const queryParameters: any = {};

        const headerParameters: runtime.HTTPHeaders = {};

        headerParameters['Content-Type'] = 'application/json';

        if (requestParameters['xXblContractVersion'] != null) {
            headerParameters['x-xbl-contract-version'] = String(requestParameters['xXblContractVersion']);
        }

        if (requestParameters['xRequestId'] != null) {
            headerParameters['X-Request-Id'] = String(requestParameters['xRequestId']);
        }

        if (requestParameters['idempotencyKey'] != null) {
            headerParameters['Idempotency-Key'] = String(requestParameters['idempotencyKey']);
        }

        if (this.configuration && this.configuration.apiKey) {
            headerParameters["Authorization"] = await this.configuration.apiKey("Authorization"); // XblAuth authentication
        }


        let urlPath = `/titles/{titleId}/invites/server`;
        urlPath = urlPath.replace('{titleId}', encodeURIComponent(String(requestParameters['titleId'])));

        return {
            path: urlPath,
            method: 'POST',
            headers: headerParameters,
            query: queryParameters,
            body: SendServerInviteRequestToJSON(requestParameters['sendServerInviteRequest']),
        };
    }

    /**
     * Sends an invite to Xbox users with the given connection string, on behalf of `sender`.  A game server calls this with its own service credential (`XBL3.0 x=-;<token>`), which must cover `{titleId}`. The connection string is passed to the game when the invite reaches the user; it usually contains the server\'s address. The invite is sent to all registered endpoints of each invited user, regardless of platform.  Invites are throttled per `sender` and title over two windows at once: a burst window (7 requests per 15 s) and a sustain window (50 requests per 300 s); throttled requests still count toward the sustain window. Callers are also limited in the number of requests they may have in flight at once.  **Retrying safely.** With an `Idempotency-Key` (IETF HTTPAPI draft \"The Idempotency-Key HTTP Header Field\"), a retry of the same send, with the same key and the same body, within the service\'s window (24 hours unless the deployment sets another) gives the same answer and delivers nothing twice: after a 204 the retry answers 204 (without `RateLimit` headers: it used no quota) and delivers nothing; after a failure (a 503, a timeout, a lost connection) in which some invitees got the invite and others did not, the retry delivers it to those that did not, and to no one twice. The same key with another body answers 422 `IdempotencyKeyReused`; the same key while the first request is still being answered answers 409 `IdempotencyKeyInProgress` with `Retry-After`. A key belongs to the caller (the credential\'s subject) and the title: another caller\'s key never matches. Without the header a retry is a new send, as with the vendor\'s API, and may invite twice. 
     * Send Server Invite
     */
    async sendServerInviteRaw(requestParameters: SendServerInviteOperationRequest, initOverrides?: RequestInit | runtime.InitOverrideFunction): Promise<runtime.ApiResponse<void>> {
        const requestOptions = await this.sendServerInviteRequestOpts(requestParameters);
        const response = await this.request(requestOptions, initOverrides);

        return new runtime.VoidApiResponse(response);
    }

    /**
     * Sends an invite to Xbox users with the given connection string, on behalf of `sender`.  A game server calls this with its own service credential (`XBL3.0 x=-;<token>`), which must cover `{titleId}`. The connection string is passed to the game when the invite reaches the user; it usually contains the server\'s address. The invite is sent to all registered endpoints of each invited user, regardless of platform.  Invites are throttled per `sender` and title over two windows at once: a burst window (7 requests per 15 s) and a sustain window (50 requests per 300 s); throttled requests still count toward the sustain window. Callers are also limited in the number of requests they may have in flight at once.  **Retrying safely.** With an `Idempotency-Key` (IETF HTTPAPI draft \"The Idempotency-Key HTTP Header Field\"), a retry of the same send, with the same key and the same body, within the service\'s window (24 hours unless the deployment sets another) gives the same answer and delivers nothing twice: after a 204 the retry answers 204 (without `RateLimit` headers: it used no quota) and delivers nothing; after a failure (a 503, a timeout, a lost connection) in which some invitees got the invite and others did not, the retry delivers it to those that did not, and to no one twice. The same key with another body answers 422 `IdempotencyKeyReused`; the same key while the first request is still being answered answers 409 `IdempotencyKeyInProgress` with `Retry-After`. A key belongs to the caller (the credential\'s subject) and the title: another caller\'s key never matches. Without the header a retry is a new send, as with the vendor\'s API, and may invite twice. 
     * Send Server Invite
     */
    async sendServerInvite(requestParameters: SendServerInviteOperationRequest, initOverrides?: RequestInit | runtime.InitOverrideFunction): Promise<void> {
        await this.sendServerInviteRaw(requestParameters, initOverrides);
    }

}
