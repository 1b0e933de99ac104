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

import { mapValues, parseDate, parseDateTime, serializeDate, serializeDateTime } from '../runtime.js';
import type { Platform } from './Platform.js';
import {
    PlatformFromJSON,
    PlatformFromJSONTyped,
    PlatformToJSON,
    PlatformToJSONTyped,
} from './Platform.js';

/**
 * An invite as an endpoint receives it, modelled on the vendor's notification.
 * @export
 * @interface Invite
 */
export interface Invite {
    /**
     * An invite id, a UUID.
     */
    id: string;
    /**
     * The title the invite is for.
     */
    titleId: number;
    /**
     * An Xbox user id: an unsigned 64-bit integer (0 to 18446744073709551615) written in base
     * 10 without leading zeros. The pattern admits exactly that range.
     * 
     */
    sender: string;
    /**
     * An Xbox user id: an unsigned 64-bit integer (0 to 18446744073709551615) written in base
     * 10 without leading zeros. The pattern admits exactly that range.
     * 
     */
    invitedUser: string;
    /**
     * What the game receives when the invite is accepted, exactly as the sender sent it;
     * empty when the sender gave none.
     * 
     */
    connectionString: string;
    /**
     * 
     */
    platform?: Platform;
    /**
     * 
     */
    createdAt: Date;
    /**
     * After this time the invite is no longer delivered.
     */
    expiresAt: Date;
    /**
     * The URI that launches the title to accept the invite:
     * `ms-xbl-<titleId in lowercase hex>://inviteAccept?invitedUser=<xuid>&sender=<xuid>&connectionString=<URL-encoded>`.
     * The connection string is percent-encoded as UTF-8 (a space is `%20`); decoding it
     * gives back the connection string exactly.
     * 
     * `maxLength` is what the largest allowed input needs: 512 characters beyond the Basic
     * Multilingual Plane take 4 UTF-8 bytes each, 12 characters percent-encoded (6144);
     * the fixed parts take at most 109 (`ms-xbl-` 7, a title id of 8 hex digits,
     * `://inviteAccept?` 16, `invitedUser=` 12 and `&sender=` 8 with two XUIDs of 20
     * digits, `&connectionString=` 18): 6253 in all.
     * 
     */
    activationUri: string;
}



/**
 * Check if a given object implements the Invite interface.
 */
export function instanceOfInvite(value: object): value is Invite {
    if (!('id' in value) || value['id'] === undefined) return false;
    if (!('titleId' in value) || value['titleId'] === undefined) return false;
    if (!('sender' in value) || value['sender'] === undefined) return false;
    if (!('invitedUser' in value) || value['invitedUser'] === undefined) return false;
    if (!('connectionString' in value) || value['connectionString'] === undefined) return false;
    if (!('createdAt' in value) || value['createdAt'] === undefined) return false;
    if (!('expiresAt' in value) || value['expiresAt'] === undefined) return false;
    if (!('activationUri' in value) || value['activationUri'] === undefined) return false;
    return true;
}

export function InviteFromJSON(json: any): Invite {
    return InviteFromJSONTyped(json, false);
}

export function InviteFromJSONTyped(json: any, ignoreDiscriminator: boolean): Invite {
    if (json == null) {
        return json;
    }
    return {
        
        'id': json['id'],
        'titleId': json['titleId'],
        'sender': json['sender'],
        'invitedUser': json['invitedUser'],
        'connectionString': json['connectionString'],
        'platform': json['platform'] == null ? undefined : PlatformFromJSON(json['platform']),
        'createdAt': (json['createdAt'] == null ? json['createdAt'] : parseDateTime(json['createdAt'])),
        'expiresAt': (json['expiresAt'] == null ? json['expiresAt'] : parseDateTime(json['expiresAt'])),
        'activationUri': json['activationUri'],
    };
}

export function InviteToJSON(json: any): Invite {
    return InviteToJSONTyped(json, false);
}

export function InviteToJSONTyped(value?: Invite | null, ignoreDiscriminator: boolean = false): any {
    if (value == null) {
        return value;
    }

    return {
        
        'id': value['id'],
        'titleId': value['titleId'],
        'sender': value['sender'],
        'invitedUser': value['invitedUser'],
        'connectionString': value['connectionString'],
        'platform': PlatformToJSON(value['platform']),
        'createdAt': value['createdAt'] == null ? value['createdAt'] : serializeDateTime(value['createdAt']),
        'expiresAt': value['expiresAt'] == null ? value['expiresAt'] : serializeDateTime(value['expiresAt']),
        'activationUri': value['activationUri'],
    };
}

