from typing import Any

from django.core.management.base import BaseCommand, CommandError

from riposte.directory.models import Agent
from riposte.directory.services import api_token_create


class Command(BaseCommand):
    help = "Personal API tokens. `riposte token create EMAIL` prints the new token alone on its last line."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("action", choices=["create"])
        parser.add_argument("email")
        parser.add_argument("--name", default="command line")

    def handle(self, *args: Any, action: str, email: str, name: str, **options: Any) -> None:
        agent = Agent.objects.filter(email=email.lower(), is_active=True).first()
        if agent is None:
            raise CommandError(f"No active agent with e-mail {email}.")
        token, raw = api_token_create(agent=agent, name=name)
        self.stderr.write(f"Token “{token.name}” created for {agent.email}; it is shown once:")
        self.stdout.write(raw)
