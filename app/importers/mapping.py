"""The documented mapping tables: a CRM's industry or type → sector, activity type → channel,
Kumu's element and connection types → kind and tie kind.

Every table is keyed by :func:`normalise`\\ d text, so ``"Not For Profit"``,
``"NON_PROFIT_ORGANIZATION_MANAGEMENT"`` and ``"nonProfit"`` all find their entry. Stakemap's own
values (``"local_government"``, ``"face_to_face"``…) map to themselves everywhere. A value that no
table knows maps to ``other`` (sector), ``meeting`` (channel), ``organisation`` (Kumu element) or
``collaborates`` (Kumu connection), with a warning.
"""

from __future__ import annotations

import re

from app.enums import Channel, Sector, TieKind

__all__ = [
    "normalise",
    "sector_for",
    "channel_for",
    "SECTORS",
    "CHANNELS",
    "ELEMENT_KINDS",
    "CONNECTION_KINDS",
]

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_NON_WORD = re.compile(r"[^a-z0-9]+")


def normalise(value: str) -> str:
    """Lower-case words separated by single spaces: ``"ListEmail"`` → ``"list email"``.

    >>> normalise("HOSPITAL_HEALTH_CARE"), normalise("Food & Beverage"), normalise("ListEmail")
    ('hospital health care', 'food and beverage', 'list email')
    """
    value = _CAMEL.sub(" ", value.strip()).replace("&", " and ").lower()
    return _NON_WORD.sub(" ", value).strip()


def _table(groups: dict[str, str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for target, keys in groups.items():
        for key in keys.split(","):
            key = normalise(key)
            if key:
                assert out.get(key, target) == target, f"{key!r} maps to two values"
                out[key] = target
    return out


#: Industry, company type or sector label → sector. Salesforce's standard Account Industry values
#: and HubSpot's company industry values (LinkedIn's list) are covered; public-sector and
#: voluntary labels common in UK partnerships too. Salesforce's single ``Government`` value and
#: HubSpot's ``GOVERNMENT_ADMINISTRATION`` mean local government (the usual public partner of a
#: local partnership); say ``Central Government`` to mean Whitehall.
SECTORS = _table(
    {
        "local_government": """local_government, local government, local authority, council,
            borough council, county council, district council, city council, unitary authority,
            parish council, town council, municipality, municipal, government,
            government administration, public administration, libraries, social care,
            adult social care, children's services""",
        "health": """health, healthcare, health care, hospital, hospitals, hospital health care,
            medical practice, mental health care, nhs, nhs trust, primary care, gp, gp practice,
            clinical commissioning group, ccg, integrated care board, icb, public health,
            health and social care, ambulance service, hospice""",
        "voluntary_community": """voluntary_community, voluntary, voluntary sector,
            voluntary and community, community, community group, charity, charities,
            charitable, not for profit, non profit, nonprofit, non profit organization management,
            nonprofit organization management, civic social organization, philanthropy,
            fund raising, fundraising, religious institutions, faith, faith group, church,
            social enterprise, third sector, vcs, vcse, individual family services, housing charity,
            community interest company, cic, trade union""",
        "private": """private, private sector, business, commercial, company, corporate,
            agriculture, apparel, banking, biotechnology, chemicals, communications,
            construction, consulting, electronics, energy, engineering, entertainment,
            environmental, finance, food and beverage, hospitality, insurance, machinery,
            manufacturing, media, recreation, retail, shipping, technology,
            telecommunications, transportation, utilities, accounting, airlines aviation,
            apparel fashion, architecture planning, automotive, broadcast media,
            building materials, business supplies and equipment, capital markets,
            civil engineering, commercial real estate, computer software, computer hardware,
            computer networking, computer and network security, consumer electronics,
            consumer goods, consumer services, cosmetics, design, e learning,
            electrical electronic manufacturing, environmental services, events services,
            facilities services, financial services, food beverages, food production,
            furniture, gambling casinos, graphic design, health wellness and fitness,
            human resources, import and export, information services,
            information technology and services, internet, investment banking,
            investment management, law practice, legal services, leisure travel tourism,
            logistics and supply chain, management consulting, marketing and advertising,
            mechanical or industrial engineering, media production, medical devices,
            newspapers, oil energy, online media, outsourcing offshoring, pharmaceuticals,
            printing, professional training coaching, publishing, real estate,
            recreational facilities and services, renewables environment, restaurants,
            security and investigations, staffing and recruiting,
            transportation trucking railroad, venture capital private equity, warehousing,
            wholesale, wine and spirits, writing and editing, veterinary, sports,
            real estate agency, care home, care provider, independent sector""",
        "education": """education, education management, higher education,
            primary secondary education, school, schools, university, college, academy,
            academy trust, further education, early years, nursery, research""",
        "police_justice": """police_justice, police, policing, police and justice,
            law enforcement, judiciary, justice, criminal justice, probation, courts, prison,
            prisons, youth justice, youth offending, public safety, fire and rescue,
            fire service, police and crime commissioner, community safety""",
        "housing": """housing, housing association, social housing, registered provider,
            housing provider, homelessness, supported housing, almo""",
        "central_government": """central_government, central government, national government,
            federal government, government department, civil service, legislative office,
            international affairs, military, government agency, national agency,
            jobcentre, jobcentre plus, dwp, department for work and pensions""",
        "public_service_users": """public_service_users, public service users, service user,
            service users, patients, patient, residents, resident, tenants, tenant, carers,
            carer, citizens, public, user group, patient group, residents association,
            lived experience""",
        "other": """other, others, miscellaneous, unknown, none, political organization""",
    }
)

#: Activity type → channel (SPEC §2's channels). Salesforce's Event and Task ``Type`` values
#: (Call, Email, Meeting, Send Letter) and Task ``TaskSubtype`` values (Call, Email, ListEmail,
#: LinkedIn) are covered; ``Other``, ``Task`` and ``Cadence`` say nothing about the channel.
CHANNELS = _table(
    {
        "face_to_face": """face_to_face, face to face, f2f, in person, in person meeting,
            one to one, 1 to 1, 1 2 1, visit, site visit, home visit, drop in, lunch,
            coffee""",
        "meeting": """meeting, meetings, board meeting, team meeting, committee meeting""",
        "event": """event, events, conference, workshop, seminar, forum, training,
            roadshow, networking, networking event, launch""",
        "video": """video, video call, video conference, videoconference, online meeting,
            virtual meeting, teams, microsoft teams, zoom, google meet, webex, webinar""",
        "call": """call, calls, phone, phone call, telephone, telephone call, log a call,
            conference call""",
        "email": """email, e mail, emails, send email, outbound email, inbound email""",
        "letter": """letter, send letter, post, postal mail, mail, postal""",
        "social_media": """social_media, social media, social, linked in, linkedin,
            linkedin message, inmail, twitter, x, facebook, instagram, whatsapp, message,
            sms, text message""",
        "newsletter": """newsletter, newsletters, list email, mass email, bulletin,
            mailing, mailing list, e bulletin, campaign email, marketing email""",
    }
)

#: Kumu element type → kind. ``hub`` designates the partnership's hub.
ELEMENT_KINDS = _table(
    {
        "hub": """hub, partnership hub, partnership, core, backbone, backbone organisation,
            backbone organization""",
        "organisation": """organisation, organization, organisations, organizations, org,
            company, business, agency, charity, council, institution, department, employer,
            provider, funder, trust, body""",
        "person": """person, people, individual, individuals, contact, staff, staff member,
            employee, volunteer, member, leader, champion""",
        "group": """group, groups, network, team, forum, committee, board, coalition,
            working group, steering group, panel, alliance, collective""",
    }
)

#: Kumu connection type → (tie kind, reversed). ``member`` makes the ``from`` element a member of
#: the ``to`` organisation (its ``organisation``) instead of a tie; ``reversed`` swaps the ends
#: (``"manages"`` from A to B is B ``reports_to`` A).
CONNECTION_KINDS: dict[str, tuple[str, bool]] = {
    **{
        k: (v, False)
        for k, v in _table(
            {
                "collaborates": """collaborates, collaboration, collaborates with, partner,
                    partners, partnership, partner with, works with, working with, joint working,
                    co delivers, delivers with, connected, connection, link, linked""",
                "reports_to": """reports_to, reports to, managed by, accountable to,
                    line managed by, supervised by""",
                "funds": "funds, funding, funder, funder of, grant, grants, grant to, pays",
                "commissions": """commissions, commissioner, commissioner of, contracts,
                    contracts with, procures""",
                "advises": """advises, advice, advisor, adviser, advisor to, adviser to,
                    consults, mentors, mentor, supports, support, informs""",
                "informal": """informal, knows, friend, friends, friendship, acquaintance,
                    acquaintances, social, personal, personal contact""",
                "member": """member, member of, works for, works at, employed by,
                    employee of, staff of, part of, belongs to, sits on, represents""",
            }
        ).items()
    },
    **{
        k: (v, True)
        for k, v in _table(
            {
                "reports_to": "manages, line manages, supervises, leads, manager of",
                "funds": "funded by, receives funding from, grant from",
                "commissions": "commissioned by, contracted by",
                "advises": "advised by, mentored by, supported by",
                "member": "employs, has member, has members, includes, staffed by",
            }
        ).items()
    },
}

assert set(SECTORS.values()) == {s.value for s in Sector}
assert set(CHANNELS.values()) == {c.value for c in Channel}
assert {v for v, _ in CONNECTION_KINDS.values()} == {k.value for k in TieKind} | {"member"}


def sector_for(value: str) -> str | None:
    """The sector a label maps to, or None when the table does not know it."""
    return SECTORS.get(normalise(value))


def channel_for(value: str) -> str | None:
    """The channel an activity type maps to, or None when the table does not know it."""
    return CHANNELS.get(normalise(value))
