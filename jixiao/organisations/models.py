from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationKind(models.TextChoices):
    FINANCE_BUREAU = "finance_bureau", _("区财政局")
    COUNTERPART_SECTION = "counterpart_section", _("对口服务股室")
    SUPERVISION_SECTION = "supervision_section", _("财政监督与绩效管理股")
    TOWN = "town", _("镇")
    PRIMARY_UNIT = "primary_unit", _("一级预算单位")
    SECONDARY_UNIT = "secondary_unit", _("二级预算单位")
    AGENCY = "agency", _("第三方机构")


BUREAU_KINDS = {
    OrganisationKind.FINANCE_BUREAU,
    OrganisationKind.COUNTERPART_SECTION,
    OrganisationKind.SUPERVISION_SECTION,
}
# Organisations that own projects and fill 附件1.
BUDGET_UNIT_KINDS = {OrganisationKind.TOWN, OrganisationKind.PRIMARY_UNIT, OrganisationKind.SECONDARY_UNIT}

# Which kind of parent each kind may have (None: a root).
ALLOWED_PARENT_KINDS = {
    OrganisationKind.FINANCE_BUREAU: {None},
    OrganisationKind.COUNTERPART_SECTION: {OrganisationKind.FINANCE_BUREAU},
    OrganisationKind.SUPERVISION_SECTION: {OrganisationKind.FINANCE_BUREAU},
    OrganisationKind.TOWN: {None},
    OrganisationKind.PRIMARY_UNIT: {None},
    OrganisationKind.SECONDARY_UNIT: {OrganisationKind.PRIMARY_UNIT, OrganisationKind.TOWN},
    OrganisationKind.AGENCY: {None},
}


class Organisation(models.Model):
    """A node of the district's organisation tree.

    `path` is a materialised path of primary keys ("/3/17/") so that "this unit and everything below it"
    is one indexed prefix filter; it is maintained by `organisations.services`, never by hand.
    """

    code = models.CharField(_("机构编码"), max_length=32, unique=True)
    name = models.CharField(_("机构名称"), max_length=100)
    short_name = models.CharField(_("简称"), max_length=40, blank=True)
    kind = models.CharField(_("机构类型"), max_length=32, choices=OrganisationKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级机构"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(max_length=255, editable=False, db_index=True, default="")
    is_classified = models.BooleanField(
        _("涉密单位"), default=False, help_text=_("涉密单位不纳入强制绩效监控，其项目信息不向其他机构展示。")
    )
    counterpart_section = models.ForeignKey(
        "self",
        verbose_name=_("对口服务股室"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_units",
        limit_choices_to={"kind": OrganisationKind.COUNTERPART_SECTION},
    )
    contact_person = models.CharField(_("联系人"), max_length=40, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=40, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("机构")
        verbose_name_plural = _("机构")
        ordering = ["code"]
        indexes = [models.Index(fields=["kind", "code"])]

    def __str__(self):
        return self.name

    @property
    def is_budget_unit(self) -> bool:
        return self.kind in BUDGET_UNIT_KINDS

    @property
    def is_bureau(self) -> bool:
        return self.kind in BUREAU_KINDS

    def clean(self):
        errors = {}
        allowed = ALLOWED_PARENT_KINDS.get(self.kind, set())
        parent_kind = self.parent.kind if self.parent_id else None
        if parent_kind not in allowed:
            if self.parent_id:
                errors["parent"] = _("“%(kind)s”不能隶属于“%(parent)s”。") % {
                    "kind": self.get_kind_display(),
                    "parent": self.parent.get_kind_display(),
                }
            else:
                errors["parent"] = _("“%(kind)s”必须指定上级机构。") % {"kind": self.get_kind_display()}
        if self.pk and self.parent_id and self.parent.path.startswith(self.path or "\0"):
            errors["parent"] = _("上级机构不能是本机构或其下级机构（会形成循环）。")
        if self.pk:
            errors.update(self._kind_change_errors())
        if self.counterpart_section_id:
            if self.counterpart_section.kind != OrganisationKind.COUNTERPART_SECTION:
                errors["counterpart_section"] = _("只能指定对口服务股室。")
            elif self.kind not in {OrganisationKind.TOWN, OrganisationKind.PRIMARY_UNIT}:
                errors["counterpart_section"] = _("只有镇和一级预算单位需要指定对口服务股室。")
        if errors:
            raise ValidationError(errors)

    def _kind_change_errors(self) -> dict:
        """A kind change must not strand the children, assigned units or staff that the old kind allowed."""
        stored_kind = Organisation.objects.filter(pk=self.pk).values_list("kind", flat=True).first()
        if stored_kind is None or stored_kind == self.kind:
            return {}
        if any(
            self.kind not in ALLOWED_PARENT_KINDS[kind]
            for kind in self.children.values_list("kind", flat=True)
        ):
            return {"kind": _("本机构下设的机构不能隶属于新的机构类型，请先调整下级机构。")}
        if self.kind != OrganisationKind.COUNTERPART_SECTION and self.assigned_units.exists():
            return {"kind": _("仍有单位由本股室对口服务，请先改派。")}
        held_roles = set(self.memberships.values_list("role", flat=True))
        if any(self.kind not in ROLE_ORGANISATION_KINDS[role] for role in held_roles):
            return {"kind": _("本机构人员的岗位与新的机构类型不符，请先调整岗位。")}
        return {}

    def is_within(self, other: "Organisation") -> bool:
        """True when this organisation is `other` or lies below it."""
        return self.path.startswith(other.path)


class User(AbstractUser):
    """A person who signs in. Roles are held per organisation through `Membership`."""

    full_name = models.CharField(_("姓名"), max_length=40, blank=True)
    phone = models.CharField(_("联系电话"), max_length=40, blank=True)
    must_change_password = models.BooleanField(
        _("须修改密码"),
        default=False,
        help_text=_("使用系统生成的一次性密码登录后，须先修改密码才能使用系统。"),
    )

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self):
        return self.full_name or self.username


class Role(models.TextChoices):
    FILLER = "filler", _("填报人")
    UNIT_LEADER = "unit_leader", _("单位负责人")
    COUNTERPART_STAFF = "counterpart_staff", _("对口股室工作人员")
    SUPERVISION_STAFF = "supervision_staff", _("监督与绩效管理股工作人员")
    BUREAU_LEADER = "bureau_leader", _("局领导")
    AGENCY_STAFF = "agency_staff", _("第三方机构人员")
    DATA_MANAGER = "data_manager", _("数据管理")
    SYSADMIN = "sysadmin", _("系统管理员")
    AUDITOR = "auditor", _("审计管理员")


# The kinds of organisation in which each role may be held.
ROLE_ORGANISATION_KINDS = {
    Role.FILLER: BUDGET_UNIT_KINDS,
    Role.UNIT_LEADER: BUDGET_UNIT_KINDS,
    Role.COUNTERPART_STAFF: {OrganisationKind.COUNTERPART_SECTION},
    Role.SUPERVISION_STAFF: {OrganisationKind.SUPERVISION_SECTION},
    Role.BUREAU_LEADER: {OrganisationKind.FINANCE_BUREAU},
    Role.AGENCY_STAFF: {OrganisationKind.AGENCY},
    Role.DATA_MANAGER: {OrganisationKind.FINANCE_BUREAU},
    Role.SYSADMIN: {OrganisationKind.FINANCE_BUREAU},
    Role.AUDITOR: {OrganisationKind.FINANCE_BUREAU},
}
# 三权分立: the administrator and the auditor are never the same person, and neither handles business data.
EXCLUSIVE_ROLES = {Role.SYSADMIN, Role.AUDITOR}


class Membership(models.Model):
    """A role a person holds in one organisation."""

    user = models.ForeignKey(
        User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("机构"), on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(_("角色"), max_length=32, choices=Role.choices)

    class Meta:
        verbose_name = _("岗位")
        verbose_name_plural = _("岗位")
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation", "role"], name="membership_unique_role"),
        ]

    def __str__(self):
        return f"{self.user} · {self.organisation} · {self.get_role_display()}"

    def clean(self):
        allowed_kinds = ROLE_ORGANISATION_KINDS.get(self.role)
        if allowed_kinds is None:
            return  # the field's own choice validation reports the unknown role
        if self.organisation_id and self.organisation.kind not in allowed_kinds:
            raise ValidationError(
                {
                    "role": _("“%(role)s”不能在“%(kind)s”中担任。")
                    % {"role": self.get_role_display(), "kind": self.organisation.get_kind_display()}
                }
            )
        if self.user_id:
            other_roles = set(
                Membership.objects.filter(user_id=self.user_id)
                .exclude(pk=self.pk)
                .values_list("role", flat=True)
            )
            roles = other_roles | {self.role}
            if roles & EXCLUSIVE_ROLES and len(roles) > 1:
                raise ValidationError(
                    {"role": _("系统管理员、审计管理员须由专人担任，不能兼任其他角色（三权分立）。")}
                )
