"""Make links in a server's own database: ``python -m chorus.links.tests.seed`` prints them.

The server tests run Chorus in child processes on a database file of their own, so the
links they follow are made here, through the same services, and printed as JSON.
"""

import json
import os


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chorus.settings")
    import django

    django.setup()
    from chorus.conftest import make_member
    from chorus.links import services
    from chorus.links.tests.conftest import make_share_activity
    from chorus.orgs.models import Organisation
    from chorus.orgs.roles import Role

    organisation = Organisation.objects.create(name="Acme Ltd", slug="acme")
    employee = make_member(organisation, Role.EMPLOYEE, "erin.employee@acme.test")
    manager = make_member(organisation, Role.CONTENT_MANAGER, "carla.content@acme.test")
    activity = make_share_activity(organisation)
    active = services.tracked_link_for(member=employee, activity=activity, network="linkedin")
    disabled = services.tracked_link_for(member=employee, activity=activity, network="bluesky")
    services.disable_link(by=manager, link=disabled)
    print(
        json.dumps(
            {
                "code": active.code,
                "target": active.target,
                "link_id": active.pk,
                "disabled_code": disabled.code,
            }
        )
    )


if __name__ == "__main__":
    main()
