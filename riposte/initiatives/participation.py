"""What an agent does in the initiatives module, for their directory page."""

from typing import Any

from django.db.models import Q
from django.utils.translation import ngettext

from riposte.core.participation import Participation
from riposte.initiatives.models import Initiative


def initiatives_of(agent: Any) -> list[Participation]:
    carried = (
        Initiative.objects.filter(Q(author=agent) | Q(coauthors=agent))
        .filter(submitted_at__isnull=False, merged_into__isnull=True)
        .distinct()
        .order_by("-submitted_at")
    )
    items = [Participation(str(i), i.get_absolute_url()) for i in carried[:10]]
    supported = agent.supports.filter(initiative__merged_into__isnull=True).count()
    if supported:
        items.append(
            Participation(
                ngettext(
                    "Supports %(count)s initiative", "Supports %(count)s initiatives", supported
                )
                % {"count": supported}
            )
        )
    return items
