"""The coffee module's models: who takes part and how, the rounds and their groups, the rooms."""

from riposte.coffee.models.membership import (
    SLOTS,
    Exclusion,
    Frequency,
    Membership,
    Preference,
)
from riposte.coffee.models.rooms import CoffeeRoom, Presence
from riposte.coffee.models.rounds import Group, GroupMember, Round

__all__ = [
    "SLOTS",
    "CoffeeRoom",
    "Exclusion",
    "Frequency",
    "Group",
    "GroupMember",
    "Membership",
    "Preference",
    "Presence",
    "Round",
]
