"""Schemathesis hooks for `pnpm test:schemathesis` (loaded through SCHEMATHESIS_HOOKS).

Each hook adapts Schemathesis to something the contract states but cannot express in a schema;
none of them hides a response from a check.
"""

import json
import os
import uuid

import schemathesis
from schemathesis.core import media_types
from schemathesis.core.parameters import ParameterLocation
from schemathesis.generation import GenerationMode
from schemathesis.generation.meta import CoveragePhaseData, CoverageScenario

# The title the service credential covers and the user the user credential is for (set by
# scripts/schemathesis.ts, which mints both with `pnpm --silent run token`).
TITLE_ID = int(os.environ["ST_TITLE_ID"])
USER_XUID = os.environ["ST_USER_XUID"]
USER_OPERATIONS = {"registerEndpoint", "unregisterEndpoint", "receiveInvites", "acknowledgeInvite"}
# The body each Idempotency-Key of a positive send was first sent with.
BODY_OF_KEY = {}


@schemathesis.deserializer(*media_types.YAML_MEDIA_TYPES)
def yaml_as_text(ctx, response):
    """GET /openapi.yaml: the contract models the body as the document's text (`type: string`,
    `pattern: "^openapi: "`), so it is validated as text, as the conformance suite does. By default
    Schemathesis would parse the YAML into an object and report that it is not a string."""
    return response.text


@schemathesis.hook
def filter_case(ctx, case):
    """Leaves out the coverage phase's "unexpected header" requests. HTTP lets a request carry
    headers an API does not declare (browsers, proxies and tracing add them), this service ignores
    them like nearly every HTTP service, and the contract does not say otherwise; Schemathesis
    models declared headers as a closed object and expects such a request to be rejected. Unknown
    body properties and query parameters are still generated and must be rejected."""
    meta = case.meta
    if meta is None or not isinstance(meta.phase.data, CoveragePhaseData):
        return True
    data = meta.phase.data
    return not (
        data.scenario == CoverageScenario.OBJECT_UNEXPECTED_PROPERTIES
        and data.parameter_location == ParameterLocation.HEADER
    )


@schemathesis.hook
def before_call(ctx, case, kwargs):
    """Makes valid (positive) requests authorized as well as valid. Which title a credential covers
    and whose XUID a user credential carries cannot be written in a schema: a valid request for a
    random title is answered 400 AuthorizationError (by design: the vendor lists it under 400), which
    positive_data_acceptance would count as valid data rejected. So a positive request acts for the
    title and user the run's credentials cover; negative requests are left exactly as generated.

    A positive receiveInvites long poll (waitSeconds up to 30) on a registered endpoint waits its
    full time for an invite that never comes; it is sent with waitSeconds=0 (the conformance suite
    tests the long poll).

    A positive send whose Idempotency-Key was generated before for another body is answered 422
    IdempotencyKeyReused, as the contract says (a key names one send): valid data rejected only
    because of what came before it. Such a send gets a key of its own instead; a key sent again
    with its first body is kept (the service answers it as the first)."""
    meta = case.meta
    if meta is None or meta.generation.mode != GenerationMode.POSITIVE:
        return
    operation_id = case.operation.definition.raw.get("operationId")
    if operation_id == "sendServerInvite":
        case.path_parameters = {**(case.path_parameters or {}), "titleId": TITLE_ID}
        key = (case.headers or {}).get("Idempotency-Key")
        if key is not None:
            body = json.dumps(case.body, sort_keys=True)
            if BODY_OF_KEY.setdefault(key.strip('"'), body) != body:
                case.headers = {**case.headers, "Idempotency-Key": f'"{uuid.uuid4()}"'}
    elif operation_id in USER_OPERATIONS:
        case.path_parameters = {**(case.path_parameters or {}), "xuid": USER_XUID}
        if operation_id == "receiveInvites" and case.query and "waitSeconds" in case.query:
            case.query = {**case.query, "waitSeconds": 0}
