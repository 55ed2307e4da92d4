"""What a token acts as: its organisation, seen through the same visibility rules as its people."""

from jixiao.api.models import ApiToken
from jixiao.organisations.models import Membership, OrganisationKind, Role

# The role the people of each kind of organisation hold for their business work; a token sees what they see.
ROLE_OF_KIND = {
    OrganisationKind.TOWN: Role.FILLER,
    OrganisationKind.PRIMARY_UNIT: Role.FILLER,
    OrganisationKind.SECONDARY_UNIT: Role.FILLER,
    OrganisationKind.COUNTERPART_SECTION: Role.COUNTERPART_STAFF,
    OrganisationKind.SUPERVISION_SECTION: Role.SUPERVISION_STAFF,
    OrganisationKind.FINANCE_BUREAU: Role.BUREAU_LEADER,
    OrganisationKind.AGENCY: Role.AGENCY_STAFF,
}


class OrganisationPrincipal:
    """Stands in for a user in the selectors: `memberships_of` finds one membership in the token's
    organisation, so every scope rule applies to it unchanged. It is never saved and never acts in a
    service that records a person."""

    is_authenticated = True
    is_anonymous = False
    is_active = True
    is_staff = False
    is_superuser = False
    pk = None
    id = None

    def __init__(self, token: ApiToken):
        self.api_token = token
        organisation = token.organisation
        self._jixiao_memberships = [
            Membership(organisation=organisation, role=ROLE_OF_KIND[organisation.kind])
        ]

    def __str__(self):
        return f"接口令牌 {self.api_token}"
