from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import build_bearer_security_scheme_object

from jixiao.api.serializers import ErrorSerializer

# Every operation can be refused in the one error shape; 409 is added where a stale write is possible.
ERROR_CODES = ["400", "401", "403", "404"]


class ApiAutoSchema(AutoSchema):
    def get_response_serializers(self):
        responses = super().get_response_serializers()
        if not isinstance(responses, dict):
            responses = {"200": responses}
        responses = {str(code): serializer for code, serializer in responses.items()}
        for code in ERROR_CODES:
            responses.setdefault(code, ErrorSerializer)
        return responses

    def get_tags(self):
        return [self.path.split("/")[3]]


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "jixiao.api.authentication.ApiTokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema):
        return build_bearer_security_scheme_object(header_name="Authorization", token_prefix="Bearer")
