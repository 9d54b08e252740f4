"""A minimal people's-data model, installed only in tests, that exercises the scoping chokepoint on its own."""

from django.db import models

from core.models import AdminArea, BaseModel, Organisation


class Record(BaseModel):
    scope_area_field = "area"
    scope_organisation_field = "organisation"
    scope_partner_field = "addressed_to"
    scope_resource = "records"

    label = models.CharField(max_length=50)
    area = models.ForeignKey(AdminArea, on_delete=models.PROTECT)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    addressed_to = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
