from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import build_bearer_security_scheme_object

from jixiao.api.filtersets import MAX_ID
from jixiao.api.serializers import ErrorSerializer

# Every operation can be refused in the one error shape (a write also for a body that is not JSON);
# 409 is declared where a stale write is possible.
ERROR_CODES = ["400", "401", "403", "404"]


class ApiAutoSchema(AutoSchema):
    def _get_response_bodies(self, direction="response"):
        """Whatever the view declares, plus the refusals every operation can answer."""
        responses = super()._get_response_bodies(direction)
        codes = [*ERROR_CODES, "415"] if self.method in ("POST", "PUT", "PATCH") else ERROR_CODES
        for code in codes:
            if code not in responses:
                responses[code] = self._get_response_for_code(ErrorSerializer, code, direction=direction)
        return responses

    def get_tags(self):
        return [self.path.split("/")[3]]


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "jixiao.api.authentication.ApiTokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema):
        return build_bearer_security_scheme_object(header_name="Authorization", token_prefix="Bearer")


def bound_path_ids(result, generator, request, public):
    """Ids in paths are positive whole numbers (the routes match nothing else)."""
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "path" and parameter["schema"].get("type") == "integer":
                    parameter["schema"].update(minimum=1, maximum=MAX_ID)
    return result
