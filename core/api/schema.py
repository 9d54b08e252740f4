"""OpenAPI description of the partner token scheme (loaded by CoreConfig.ready)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "core.api.authentication.ApiTokenAuthentication"
    name = "partnerToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "abr_<prefix>_<secret>",
            "description": "A partner token issued by an administrator. It carries scopes (e.g. referrals:read) "
            "and reads only what the organisation's data-sharing agreements allow.",
        }
