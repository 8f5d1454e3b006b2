#!/usr/bin/env python3
"""Generate the Stakemap demo partnership: the Wrenmouth Health and Care Partnership.

Run from the repository root::

    .venv/bin/python data/make_demo.py            # writes data/demo.json
    .venv/bin/python data/make_demo.py --check    # validates data/demo.json and lists its gaps

The generator is deterministic (fixed seed, standard library only). Every date is written relative
to the reference date ``REF`` (the document's ``exported_on``); the loader shifts all dates by
(load date - exported_on) so the demo never goes stale.

The cast (organisations, people, groups) and the declared ties are written out by hand below; the
engagement log is generated from schedules (board, working groups, forums, events, bulletins) and
per-person contact profiles, then two passes top up recent and in-person contact so that only the
stakeholders meant to show a gap do. ``--check`` recomputes tie strengths, tiers and every gap rule
of SPEC §5 with the standard library (see data/README.md for the story).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import unicodedata
from collections import Counter, defaultdict, deque
from datetime import date, timedelta
from itertools import combinations
from pathlib import Path

REF = date(2026, 11, 1)  # exported_on: the reference date every other date is relative to
SEED = 20261101
START = REF - timedelta(days=548)  # 18 months of engagement history
OUT = Path(__file__).resolve().parent / "demo.json"

SECTORS = (
    "local_government",
    "health",
    "voluntary_community",
    "private",
    "education",
    "police_justice",
    "housing",
    "central_government",
    "public_service_users",
    "other",
)
SENIORITIES = (
    "executive",
    "senior",
    "manager",
    "frontline",
    "volunteer",
    "service_user",
    "unknown",
)
LEVELS = ("unaware", "resistant", "neutral", "supportive", "leading")
TIE_KINDS = ("collaborates", "reports_to", "funds", "commissions", "advises", "informal")
DIRECTED_BY_DEFAULT = {"reports_to", "funds", "commissions"}
CHANNEL_WEIGHTS = {
    "face_to_face": 1.0,
    "meeting": 0.8,
    "event": 0.5,
    "video": 0.6,
    "call": 0.5,
    "email": 0.2,
    "letter": 0.2,
    "social_media": 0.1,
    "newsletter": 0.05,
}
IN_PERSON = {"face_to_face", "meeting", "event"}
TOP_LEVEL = {"executive", "senior"}
CADENCE = {"key_player": 30, "keep_satisfied": 60, "keep_informed": 90, "monitor": 180}
HALF_LIFE = 180.0
ACTIVE = 0.1
MAX_PARTICIPANTS = 50

# ------------------------------------------------------------------------------------------------
# The cast
# ------------------------------------------------------------------------------------------------
# fmt: off

HUB = {
    "kind": "hub",
    "name": "Wrenmouth Health and Care Partnership Board",
    "notes": (
        "The statutory and voluntary partners of the Borough of Wrenmouth working as one health "
        "and care system: the board (independent chair, council, NHS, voluntary sector, police, "
        "housing, patient voice) and its small programme team, hosted by Wrenmouth Borough "
        "Council."
    ),
}

# id, name, sector, influence, interest, engagement, desired, owner, email domain, notes, tags
ORGS = [
    ("org-council", "Wrenmouth Borough Council", "local_government", 5, 5, "leading", "leading",
     "p-hub-okafor", "wrenmouth.gov.example",
     "Unitary authority and host of the partnership team. Adult social care, children's services "
     "and public health are mapped as directorates (groups) under it.",
     ["statutory", "board member", "section 75"]),
    ("org-acute", "Wrenmouth Hospitals NHS Foundation Trust", "health", 5, 4, "neutral",
     "supportive", "p-hub-brennan", "wrenmouthhospitals.nhs.example",
     "Wrenmouth General Hospital (520 beds). Executive team supports integration in principle; "
     "operations is wary of moving money out of the hospital.",
     ["statutory", "board member", "NHS"]),
    ("org-cmht", "Wrenmouth Community and Mental Health NHS Trust", "health", 5, 5, "supportive",
     "supportive", "p-hub-brennan", "wcmh.nhs.example",
     "Community nursing, therapies, the virtual ward and adult mental health services.",
     ["statutory", "board member", "NHS"]),
    ("org-icb", "NHS Avonmere Integrated Care Board", "health", 5, 4, "supportive", "leading",
     "p-hub-okafor", "avonmereicb.nhs.example",
     "Commissions NHS services for Wrenmouth and two neighbouring places; co-owns the Better Care "
     "Fund with the council.", ["statutory", "board member", "commissioner", "NHS"]),
    ("org-gpfed", "Wrenmouth GP Federation", "health", 4, 4, "supportive", "supportive",
     "p-hub-brennan", "wrenmouthgpfed.nhs.example",
     "Federation of the borough's 22 practices; hosts the social prescribing service for the three "
     "primary care networks.", ["board member", "primary care"]),
    ("org-hospice", "St Cuthbert's Hospice", "voluntary_community", 3, 4, "supportive",
     "supportive", "p-hub-brennan", "stcuthberts.example.org",
     "Independent hospice: inpatient unit, hospice at home and bereavement support.",
     ["charity", "end of life"]),
    ("org-pv", "Patient Voice Wrenmouth", "public_service_users", 3, 5, "leading", "leading",
     "p-hub-mensah", "patientvoicewrenmouth.example.org",
     "Independent champion for people who use health and care services (the local Healthwatch "
     "role); hosts the Service Users' Forum.", ["board member", "patient voice"]),
    ("org-cvs", "Wrenmouth Voluntary Action", "voluntary_community", 4, 5, "leading", "leading",
     "p-hub-rahman", "wrenmouthva.example.org",
     "Council for voluntary service: infrastructure support, the volunteer centre and the VCS "
     "seat on the board.", ["board member", "infrastructure", "charity"]),
    ("org-agewell", "Age Well Wrenmouth", "voluntary_community", 3, 4, "supportive", "supportive",
     "p-hub-rahman", "agewellwrenmouth.example.org",
     "Older people's charity: information and advice, befriending, day opportunities.",
     ["charity", "older people"]),
    ("org-carers", "Wrenmouth Carers' Centre", "voluntary_community", 3, 5, "supportive",
     "supportive", "p-hub-rahman", "wrenmouthcarers.example.org",
     "Support, breaks and advocacy for unpaid carers, including young carers.",
     ["charity", "carers"]),
    ("org-foodbank", "Wrenmouth Food Bank", "voluntary_community", 2, 4, "supportive", "supportive",
     "p-hub-rahman", "wrenmouthfoodbank.example.org",
     "Three distribution centres; about 1,900 emergency parcels a quarter.",
     ["charity", "cost of living"]),
    ("org-youth", "Wrenmouth Youth Collective", "voluntary_community", 2, 4, "neutral",
     "supportive", "p-hub-mensah", "wrenmouthyouth.example.org",
     "Detached and centre-based youth work on the east side. Hosts the Young People's Health "
     "Panel. Works with the partnership only through the council's Early Help service.",
     ["charity", "young people"]),
    ("org-openminds", "Open Minds Wrenmouth", "voluntary_community", 3, 4, "supportive",
     "supportive", "p-hub-rahman", "openmindswrenmouth.example.org",
     "Local mental health charity: peer support, crisis café, wellbeing courses.",
     ["charity", "mental health"]),
    ("org-advice", "Wrenmouth Advice Centre", "voluntary_community", 2, 4, "supportive",
     "supportive", "p-hub-rahman", "wrenmouthadvice.example.org",
     "Independent advice on debt, benefits, housing and employment.",
     ["charity", "cost of living"]),
    ("org-polish", "Wrenmouth Polish Community Association", "voluntary_community", 2, 2, "unaware",
     "neutral", None, "wrenmouthpolish.example.org",
     "Volunteer-run association (Saturday school, lunch club). Linked in through the Community "
     "Champions programme until its funding ended in March 2026.", ["community group"]),
    ("org-carehome", "Heronsgate Care Group", "private", 4, 3, "neutral", "supportive", None,
     "heronsgatecare.example.com",
     "Operates five of the borough's 31 care homes (about 260 beds), so it matters to every "
     "discharge conversation - but nobody in the team owns the relationship.",
     ["provider", "care homes"]),
    ("org-homecare", "Bluebell Home Care", "private", 3, 3, "neutral", "supportive", None,
     "bluebellhomecare.example.com", "Domiciliary care provider on the council's framework.",
     ["provider", "home care"]),
    ("org-pharmacy", "Greenleaf Pharmacy Group", "private", 3, 3, "neutral", "supportive", None,
     "greenleafpharmacy.example.com", "Seven community pharmacies in Wrenmouth.",
     ["provider", "pharmacy"]),
    ("org-college", "Wrenmouth College", "education", 3, 3, "neutral", "supportive",
     "p-hub-rahman", "wrenmouthcollege.ac.example",
     "Further education college; health and social care T levels and apprenticeships.",
     ["workforce"]),
    ("org-uni", "University of Avonmere", "education", 4, 3, "supportive", "supportive",
     "p-hub-nowak", "avonmere.ac.example",
     "Applied health research partner (evaluation of the virtual ward and social prescribing).",
     ["research"]),
    ("org-police", "Avonmere Police", "police_justice", 4, 3, "supportive", "supportive",
     "p-hub-ellison", "avonmere.police.example", "Wrenmouth is one of the force's four areas.",
     ["statutory", "board member", "community safety"]),
    ("org-probation", "Probation Service - Wrenmouth Delivery Unit", "police_justice", 3, 3,
     "supportive", "supportive", "p-hub-rahman", "justice.gov.example", None, ["statutory"]),
    ("org-fire", "Avonmere Fire and Rescue Service", "other", 3, 3, "supportive", "supportive",
     "p-hub-rahman", "avonmerefire.gov.example",
     "Safe and Well visits take in falls, smoke alarms and social isolation.",
     ["community safety"]),
    ("org-leisure", "Active Wrenmouth Leisure Trust", "other", 2, 3, "supportive", "supportive",
     "p-hub-rahman", "activewrenmouth.example.org",
     "Runs the borough's four leisure centres and the exercise-on-referral scheme.",
     ["prevention"]),
    ("org-ha", "Wrenside Homes", "housing", 4, 3, "supportive", "leading", "p-hub-rahman",
     "wrensidehomes.example.org", "Largest social landlord in the borough (about 9,000 homes).",
     ["board member", "housing"]),
    ("org-dwp", "Jobcentre Plus Wrenmouth (DWP)", "central_government", 3, 3, "neutral",
     "supportive", "p-hub-rahman", "dwp.gov.example", None, ["employment"]),
    ("org-ohid", "OHID Avonmere Regional Team", "central_government", 3, 3, "supportive",
     "supportive", "p-hub-nowak", "dhsc.gov.example",
     "Office for Health Improvement and Disparities, regional public health team.", ["data"]),
]

# id, name, organisation, sector (only when it differs / has no organisation), influence, interest,
# engagement, desired, owner, notes, tags
GROUPS = [
    ("g-council-asc", "Adult Social Care", "org-council", None, 5, 5, "leading", "leading",
     "p-hub-brennan", "Directorate of Wrenmouth Borough Council.", ["directorate"]),
    ("g-council-cs", "Children's Services", "org-council", None, 4, 3, "neutral", "supportive",
     "p-hub-rahman", "Directorate of Wrenmouth Borough Council; includes Early Help.",
     ["directorate"]),
    ("g-council-ph", "Public Health", "org-council", None, 4, 5, "leading", "leading",
     "p-hub-rahman", "Directorate of Wrenmouth Borough Council.", ["directorate"]),
    ("g-hub-discharge", "Discharge and Flow Working Group", "hub", None, 3, 5, "supportive",
     "supportive", "p-hub-brennan",
     "Monthly. Hospital, community trust, social care and commissioning leads; independent care "
     "providers have been invited but do not attend.", ["working group"]),
    ("g-hub-prevention", "Prevention and Communities Steering Group", "hub", None, 3, 5,
     "leading", "leading", "p-hub-rahman",
     "Every six weeks. Public health, primary care, the voluntary sector, housing, fire and "
     "leisure.",
     ["working group"]),
    ("g-sufo", "Wrenmouth Service Users' Forum", "org-pv", None, 2, 5, "leading", "leading",
     "p-hub-mensah",
     "About 40 members; a core of a dozen attend. Hosted by Patient Voice Wrenmouth.",
     ["lived experience", "forum"]),
    ("g-interfaith", "Wrenmouth Interfaith Forum", None, "voluntary_community", 2, 3, "supportive",
     "supportive", "p-hub-rahman",
     "Mosques, churches, the gurdwara and the synagogue; runs warm spaces in winter.",
     ["faith", "forum"]),
    ("g-provider-forum", "Wrenmouth Independent Care Providers Forum", None, "private", 3, 3,
     "neutral", "supportive", None,
     "Care home and home care providers. Meets on its own; the council's commissioning team "
     "drops in now and then.", ["provider", "forum"]),
    ("g-ypp", "Young People's Health Panel", "org-youth", None, 1, 4, "neutral", "supportive",
     "p-hub-mensah", "Twelve young people aged 14-19, facilitated by the Youth Collective.",
     ["young people", "lived experience"]),
    ("g-tra", "Marsh Lane Estate Tenants' and Residents' Association", None, "housing", 1, 4,
     "unaware", "neutral", None,
     "Residents of the Marsh Lane estate (high rates of COPD and damp complaints). Known to the "
     "partnership only through Wrenside Homes' resident engagement officer.", ["residents"]),
]

# Domains for people whose organisation is a group without an organisation, or the hub.
DOMAINS = {"hub": "wrenmouthpartnership.example.org"}
for _o in ORGS:
    DOMAINS[_o[0]] = _o[8]

PEOPLE: list[dict] = []


def P(pid, name, org, role, seniority, infl=None, intr=None, eng=None, des=None, owner=None,
      mgr=None, **kw):
    """Declare a person.

    kw: email (False for none), notes, tags, contact_permitted, sector, core (the number of
    generated one-to-one contacts with the core), liaison (the hub members they deal with).
    """
    PEOPLE.append(dict(id=pid, name=name, org=org, role=role, seniority=seniority, influence=infl,
                       interest=intr, engagement=eng, desired=des, owner=owner, mgr=mgr, **kw))


# --- the partnership team (hub members) ---
P("p-hub-ellison", "Richard Ellison", "hub", "Independent Chair, Health and Care Partnership Board",
  "executive", tags=["core team"])
P("p-hub-okafor", "Helen Okafor", "hub", "Programme Director, Integrated Health and Care",
  "executive", mgr="p-hub-ellison", tags=["core team"])
P("p-hub-brennan", "Tom Brennan", "hub", "Partnership Coordinator (Health and Care Integration)",
  "manager", mgr="p-hub-okafor", tags=["core team"])
P("p-hub-rahman", "Aisha Rahman", "hub", "Partnership Coordinator (Communities and Prevention)",
  "manager", mgr="p-hub-okafor", tags=["core team"])
P("p-hub-nowak", "Kamil Nowak", "hub", "Senior Intelligence Analyst", "frontline",
  mgr="p-hub-okafor", tags=["core team", "data"])
P("p-hub-mensah", "Grace Mensah", "hub", "Community Engagement Officer", "frontline",
  mgr="p-hub-rahman", tags=["core team", "engagement"])

# --- Wrenmouth Borough Council ---
P("p-wbc-achebe", "Daniel Achebe", "org-council", "Chief Executive", "executive", 5, 4,
  "supportive", "supportive", "p-hub-okafor", tags=["board member"])
P("p-wbc-hussain", "Cllr Nadia Hussain", "org-council", "Cabinet Member for Adult Social Care and "
  "Health", "executive", 5, 5, "supportive", "leading", "p-hub-ellison",
  tags=["board member", "elected member"], notes="Chairs the Health and Wellbeing Board.")
P("p-wbc-forsyth", "Iain Forsyth", "org-council", "Head of Integrated Commissioning (joint with "
  "the ICB)", "senior", 4, 5, "supportive", "leading", "p-hub-brennan", mgr="p-asc-whitfield",
  tags=["commissioning"])
P("p-wbc-osei", "Comfort Osei", "org-council", "Commissioning Manager, Older People and Carers",
  "manager", 3, 4, "supportive", "supportive", "p-hub-brennan", mgr="p-wbc-forsyth",
  tags=["commissioning", "care market"],
  notes="Contract-monitors the care homes; the council's only regular link into the providers' "
  "forum.")
P("p-wbc-sharma", "Priya Sharma", "org-council", "Head of Housing Needs and Homelessness",
  "senior", 3, 4, "supportive", "supportive", "p-hub-rahman", mgr="p-wbc-achebe",
  sector="housing")
# Adult Social Care
P("p-asc-whitfield", "Sarah Whitfield", "g-council-asc", "Director of Adult Social Services",
  "executive", 5, 5, "leading", "leading", "p-hub-okafor", mgr="p-wbc-achebe",
  tags=["board member"])
P("p-asc-kowalczyk", "Marek Kowalczyk", "g-council-asc", "Head of Adult Social Care Operations",
  "senior", 4, 5, "leading", "leading", "p-hub-brennan", mgr="p-asc-whitfield")
P("p-asc-adeyemi", "Tolu Adeyemi", "g-council-asc", "Hospital Social Work Team Manager",
  "manager", 3, 5, "leading", "leading", "p-hub-brennan", mgr="p-asc-kowalczyk")
P("p-asc-doherty", "Siobhan Doherty", "g-council-asc", "Senior Social Worker, Reablement",
  "frontline", 2, 4, "supportive", "supportive", mgr="p-asc-adeyemi")
P("p-asc-patel", "Ravi Patel", "g-council-asc", "Occupational Therapist", "frontline", 1, 3,
  mgr="p-asc-adeyemi", core=1)
# Children's Services
P("p-cs-morgan", "Gareth Morgan", "g-council-cs", "Director of Children's Services", "executive",
  5, 3, "neutral", "supportive", "p-hub-okafor", mgr="p-wbc-achebe", tags=["board member"])
P("p-cs-begum", "Rukhsana Begum", "g-council-cs", "Early Help Manager", "manager", 3, 5,
  "leading", "leading", "p-hub-mensah", mgr="p-cs-morgan", tags=["boundary spanner"],
  notes="Holds the Early Help contract with the Youth Collective and is the partnership's only "
  "route to it and to the Young People's Health Panel.")
P("p-cs-campbell", "Lewis Campbell", "g-council-cs", "Family Support Worker", "frontline", 1, 3,
  mgr="p-cs-begum", core=0)
# Public Health
P("p-ph-nwosu", "Dr Chidi Nwosu", "g-council-ph", "Director of Public Health", "executive", 5, 5,
  "leading", "leading", "p-hub-okafor", mgr="p-wbc-achebe", tags=["board member"])
P("p-ph-harding", "Emily Harding", "g-council-ph", "Consultant in Public Health", "senior", 4, 5,
  "leading", "leading", "p-hub-rahman", mgr="p-ph-nwosu")
P("p-ph-lam", "Jason Lam", "g-council-ph", "Public Health Intelligence Manager", "manager", 2, 4,
  "supportive", "supportive", mgr="p-ph-harding", liaison=["p-hub-nowak"])
P("p-ph-ali", "Zainab Ali", "g-council-ph", "Health Improvement Officer", "frontline", 2, 4,
  "supportive", "supportive", mgr="p-ph-harding",
  notes="Ran the Community Champions programme until its funding ended on 31 March 2026.")

# --- Wrenmouth Hospitals NHS Foundation Trust ---
P("p-acu-fraser", "Alistair Fraser", "org-acute", "Chief Executive", "executive", 5, 4,
  "supportive", "supportive", "p-hub-okafor", tags=["board member"])
P("p-acu-wright", "Joanne Wright", "org-acute", "Chief Operating Officer", "executive", 5, 4,
  "resistant", "supportive", "p-hub-brennan", mgr="p-acu-fraser",
  notes="Sceptical of shifting investment into community services while the hospital carries "
  "winter pressures; sees the discharge-to-assess model as adding risk to flow.",
  tags=["discharge"])
P("p-acu-adebayo", "Funmi Adebayo", "org-acute", "Chief Nurse", "executive", 4, 4, "supportive",
  "supportive", "p-hub-brennan", mgr="p-acu-fraser")
P("p-acu-singh", "Dr Harjit Singh", "org-acute", "Consultant Geriatrician and Frailty Lead",
  "senior", 3, 5, "leading", "leading", "p-hub-brennan", mgr="p-acu-wright",
  tags=["frailty", "clinical champion"])
P("p-acu-gallagher", "Claire Gallagher", "org-acute", "Head of Patient Flow and Discharge",
  "manager", 3, 5, "leading", "leading", "p-hub-brennan", mgr="p-acu-wright",
  tags=["discharge"])
P("p-acu-obrien", "Liam O'Brien", "org-acute", "Discharge Coordinator", "frontline", 2, 4,
  "supportive", "supportive", mgr="p-acu-gallagher")
P("p-acu-chen", "Mei Chen", "org-acute", "Ward Manager, Elderly Care", "frontline", 1, 3,
  mgr="p-acu-adebayo", core=1)

# --- Wrenmouth Community and Mental Health NHS Trust ---
P("p-cmh-hughes", "Karen Hughes", "org-cmht", "Chief Executive", "executive", 5, 4, "supportive",
  "supportive", "p-hub-okafor", tags=["board member"])
P("p-cmh-kaur", "Dr Amrit Kaur", "org-cmht", "Medical Director", "executive", 4, 4, "supportive",
  "supportive", "p-hub-brennan", mgr="p-cmh-hughes")
P("p-cmh-thompson", "Marcus Thompson", "org-cmht", "Director of Operations, Community Services",
  "senior", 4, 5, "leading", "leading", "p-hub-brennan", mgr="p-cmh-hughes")
P("p-cmh-walsh", "Bernadette Walsh", "org-cmht", "Community Nursing Lead", "manager", 3, 4,
  "supportive", "supportive", "p-hub-brennan", mgr="p-cmh-thompson")
P("p-cmh-ibrahim", "Yusuf Ibrahim", "org-cmht", "Crisis Resolution Team Manager", "manager", 3, 4,
  "supportive", "supportive", mgr="p-cmh-thompson")
P("p-cmh-evans", "Rhiannon Evans", "org-cmht", "Recovery College Manager", "manager", 2, 5,
  "leading", "leading", mgr="p-cmh-thompson", liaison=["p-hub-rahman", "p-hub-mensah"])
P("p-cmh-grant", "Oliver Grant", "org-cmht", "Community Mental Health Nurse", "frontline", 1, 3,
  mgr="p-cmh-ibrahim", core=0)

# --- NHS Avonmere ICB ---
P("p-icb-bennett", "Caroline Bennett", "org-icb", "Place Director, Wrenmouth", "executive", 5, 5,
  "leading", "leading", "p-hub-okafor", tags=["board member"])
P("p-icb-mahmood", "Tariq Mahmood", "org-icb", "Director of Finance", "executive", 5, 4,
  "neutral", "supportive", "p-hub-okafor", tags=["board member", "Better Care Fund"],
  notes="Signs off the Better Care Fund plan. Not opposed, but wants evidence of savings before "
  "committing further ICB money to the pooled budget.")
P("p-icb-price", "Hannah Price", "org-icb", "Head of Primary Care Commissioning", "senior", 4, 3,
  "supportive", "supportive", "p-hub-brennan", mgr="p-icb-bennett")
P("p-icb-akhtar", "Saima Akhtar", "org-icb", "Population Health Programme Manager", "manager",
  3, 5, "leading", "leading", "p-hub-nowak", mgr="p-icb-bennett", liaison=["p-hub-nowak"])
P("p-icb-jones", "Owen Jones", "org-icb", "Commissioning Manager, Mental Health", "manager", 3, 4,
  "supportive", "supportive", mgr="p-icb-bennett")

# --- Wrenmouth GP Federation ---
P("p-gpf-clarke", "Dr Simon Clarke", "org-gpfed", "Clinical Director", "executive", 4, 4,
  "leading", "leading", "p-hub-brennan", tags=["board member"])
P("p-gpf-nnamdi", "Dr Adaeze Nnamdi", "org-gpfed", "PCN Clinical Director, Wrenmouth North",
  "senior", 3, 4, "supportive", "supportive", mgr="p-gpf-clarke")
P("p-gpf-lewis", "Bethan Lewis", "org-gpfed", "Social Prescribing Lead", "manager", 3, 5,
  "leading", "leading", "p-hub-rahman", mgr="p-gpf-clarke", tags=["boundary spanner"],
  notes="Connects primary care to the food bank, the interfaith forum, the leisure trust and "
  "pharmacies.")
P("p-gpf-rossi", "Luca Rossi", "org-gpfed", "Practice Manager, Riverside Surgery", "manager", 2, 3,
  mgr="p-gpf-nnamdi", core=1)
P("p-gpf-ahmed", "Farah Ahmed", "org-gpfed", "Social Prescribing Link Worker", "frontline", 1, 4,
  "supportive", "supportive", mgr="p-gpf-lewis")

# --- St Cuthbert's Hospice ---
P("p-hos-moore", "Jennifer Moore", "org-hospice", "Chief Executive", "executive", 3, 4,
  "supportive", "supportive", "p-hub-brennan")
P("p-hos-dunn", "Rachel Dunn", "org-hospice", "Director of Clinical Services", "senior", 3, 4,
  "supportive", "supportive", mgr="p-hos-moore")
P("p-hos-okeke", "Emeka Okeke", "org-hospice", "Community Palliative Care Nurse Specialist",
  "frontline", 1, 3, mgr="p-hos-dunn", core=1)

# --- Patient Voice Wrenmouth and the Service Users' Forum ---
P("p-pv-taylor", "Janet Taylor", "org-pv", "Chief Officer", "executive", 3, 5, "leading",
  "leading", "p-hub-mensah", tags=["board member"])
P("p-pv-baptiste", "Andre Baptiste", "org-pv", "Engagement and Insight Officer", "frontline", 2, 5,
  "leading", "leading", mgr="p-pv-taylor", liaison=["p-hub-mensah"])
P("p-su-mcdonald", "Ian McDonald", "g-sufo", "Forum Chair", "service_user", 2, 5, "leading",
  "leading", "p-hub-mensah", email="ian.mcdonald@example.net", tags=["lived experience"],
  liaison=["p-hub-mensah"])
P("p-su-kaya", "Elif Kaya", "g-sufo", "Forum member", "service_user", 1, 5, "supportive",
  "supportive", contact_permitted=False, email=False, core=0,
  notes="Prefers contact through the forum only.")
P("p-su-robinson", "Doreen Robinson", "g-sufo", "Forum member (carer representative)",
  "service_user", 1, 4, "supportive", "supportive", email="doreen.robinson@example.net", core=0)
P("p-su-nguyen", "Thanh Nguyen", "g-sufo", "Forum member", "service_user", 1, 4, "neutral",
  "neutral", contact_permitted=False, email=False, core=0)
P("p-su-phillips", "Kevin Phillips", "g-sufo", "Forum member (mental health lived experience)",
  "service_user", 1, 5, "supportive", "supportive", email="kevin.phillips@example.net", core=0)

# --- Wrenmouth Voluntary Action ---
P("p-cvs-adeleke", "Bisi Adeleke", "org-cvs", "Chief Executive", "executive", 4, 5, "leading",
  "leading", "p-hub-rahman", tags=["board member", "VCS representative"])
P("p-cvs-hall", "Matthew Hall", "org-cvs", "Development Officer, Health and Wellbeing",
  "frontline", 2, 4, "supportive", "supportive", mgr="p-cvs-adeleke")
P("p-cvs-kovacs", "Anna Kovacs", "org-cvs", "Volunteer Centre Coordinator", "manager", 2, 4,
  "supportive", "supportive", mgr="p-cvs-adeleke")

# --- Age Well Wrenmouth ---
P("p-age-stewart", "Fiona Stewart", "org-agewell", "Chief Executive", "executive", 3, 4,
  "supportive", "supportive", "p-hub-rahman")
P("p-age-green", "Paul Green", "org-agewell", "Services Manager", "manager", 2, 4, "supportive",
  "supportive", mgr="p-age-stewart")
P("p-age-shah", "Meera Shah", "org-agewell", "Befriending Coordinator", "frontline", 1, 4,
  mgr="p-age-green", core=1)
P("p-age-cooper", "Derek Cooper", "org-agewell", "Volunteer Befriender", "volunteer", 1, 3,
  mgr="p-age-shah", email="derek.cooper@example.net", core=0)

# --- Wrenmouth Carers' Centre ---
P("p-car-murphy", "Aoife Murphy", "org-carers", "Centre Manager", "senior", 3, 5, "leading",
  "leading", "p-hub-rahman")
P("p-car-jackson", "Leon Jackson", "org-carers", "Carers Support Worker", "frontline", 1, 4,
  "supportive", "supportive", mgr="p-car-murphy")
P("p-car-wood", "Sophie Wood", "org-carers", "Young Carers Worker", "frontline", 1, 5,
  "supportive", "supportive", mgr="p-car-murphy")

# --- Wrenmouth Food Bank ---
P("p-fb-ogunleye", "Samuel Ogunleye", "org-foodbank", "Food Bank Manager", "senior", 2, 4,
  "supportive", "supportive", "p-hub-rahman")
P("p-fb-white", "Margaret White", "org-foodbank", "Volunteer Coordinator", "volunteer", 1, 3,
  mgr="p-fb-ogunleye", core=0)

# --- Wrenmouth Interfaith Forum (a group with no organisation) ---
P("p-ifa-qureshi", "Imam Bilal Qureshi", "g-interfaith", "Forum Chair; Imam, Wrenmouth Central "
  "Mosque", "volunteer", 2, 3, "supportive", "supportive", "p-hub-rahman",
  email="bilal.qureshi@example.net")
P("p-ifa-ashworth", "Revd Catherine Ashworth", "g-interfaith", "Forum Secretary; Vicar of St "
  "Mary's, Marsh Lane", "volunteer", 2, 3, "supportive", "supportive",
  email="catherine.ashworth@example.net")
P("p-ifa-sandhu", "Gurpreet Sandhu", "g-interfaith", "Community Welfare Lead, Wrenmouth Gurdwara",
  "volunteer", 1, 3, email="gurpreet.sandhu@example.net", core=0)

# --- Wrenmouth Youth Collective and the Young People's Health Panel ---
P("p-yth-boateng", "Kwame Boateng", "org-youth", "Director", "senior", 2, 4, "neutral",
  "supportive", "p-hub-mensah", core=0)
P("p-yth-pearson", "Chloe Pearson", "org-youth", "Detached Youth Worker", "frontline", 1, 4,
  mgr="p-yth-boateng", core=0)
P("p-yth-hassan", "Abdi Hassan", "org-youth", "Youth Worker", "frontline", 1, 4,
  mgr="p-yth-boateng", core=0)
P("p-ypp-edwards", "Maya Edwards", "g-ypp", "Panel member (aged 17)", "service_user", 1, 4,
  contact_permitted=False, email=False, core=0)
P("p-ypp-okoro", "Jayden Okoro", "g-ypp", "Panel member (aged 16)", "service_user", 1, 4,
  contact_permitted=False, email=False, core=0)

# --- Open Minds Wrenmouth ---
P("p-om-fletcher", "Dominic Fletcher", "org-openminds", "Chief Executive", "executive", 3, 4,
  "supportive", "supportive", "p-hub-rahman")
P("p-om-ansah", "Abena Ansah", "org-openminds", "Peer Support Coordinator", "manager", 2, 5,
  "leading", "leading", mgr="p-om-fletcher")

# --- Wrenmouth Advice Centre ---
P("p-adv-kelly", "Niamh Kelly", "org-advice", "Chief Officer", "senior", 2, 4, "supportive",
  "supportive", "p-hub-rahman")
P("p-adv-miah", "Shafiq Miah", "org-advice", "Debt and Welfare Rights Adviser", "frontline", 1, 3,
  mgr="p-adv-kelly", core=1)

# --- Wrenmouth Polish Community Association (unreached) ---
P("p-pol-zielinska", "Agnieszka Zielińska", "org-polish", "Chair (volunteer)", "volunteer", 2, 3,
  "neutral", "supportive", core=0,
  notes="Was a Community Champion until March 2026; no contact since the programme closed.")
P("p-pol-wisniewski", "Tomasz Wiśniewski", "org-polish", "Health Champion (volunteer)",
  "volunteer", 1, 3, email="tomasz.wisniewski@example.net", core=0)

# --- Heronsgate Care Group (private) ---
P("p-hcg-barker", "Nigel Barker", "org-carehome", "Managing Director", "executive", 4, 4,
  "neutral", "supportive", None, core=0,
  notes="Declined a seat on the discharge working group in 2025; concerned about fee levels "
  "and trusted-assessor liability.")
P("p-hcg-obi", "Patience Obi", "org-carehome", "Operations Director", "senior", 3, 4, "neutral",
  "supportive", mgr="p-hcg-barker", core=0, tags=["forum chair"])
P("p-hcg-marsh", "Julie Marsh", "org-carehome", "Registered Manager, Heronsgate House",
  "manager", 2, 4, mgr="p-hcg-obi", core=0)
P("p-hcg-silva", "Ricardo Silva", "org-carehome", "Registered Manager, Willow Court", "manager",
  2, 3, mgr="p-hcg-obi", core=0)
# --- Bluebell Home Care (private) ---
P("p-bhc-hart", "Steven Hart", "org-homecare", "Director", "executive", 3, 3, "neutral",
  "supportive", core=0)
P("p-bhc-dawson", "Kelly Dawson", "org-homecare", "Registered Manager", "manager", 2, 4,
  mgr="p-bhc-hart", core=0)
P("p-bhc-ferreira", "Joana Ferreira", "org-homecare", "Care Coordinator", "frontline", 1, 3,
  mgr="p-bhc-dawson", core=0)
# --- Greenleaf Pharmacy Group (private) ---
P("p-glp-mistry", "Anil Mistry", "org-pharmacy", "Superintendent Pharmacist", "executive", 3, 3,
  "neutral", "supportive", core=0)
P("p-glp-young", "Laura Young", "org-pharmacy", "Community Pharmacist, Wrenmouth High Street",
  "frontline", 2, 3, mgr="p-glp-mistry", core=0)

# --- Wrenmouth College ---
P("p-col-lane", "Victoria Lane", "org-college", "Principal and Chief Executive", "executive", 3, 3,
  "neutral", "supportive", "p-hub-rahman", core=2)
P("p-col-mwangi", "Esther Mwangi", "org-college", "Head of Student Services and Wellbeing",
  "senior", 2, 4, "supportive", "supportive", mgr="p-col-lane")
P("p-col-bell", "Craig Bell", "org-college", "Curriculum Lead, Health and Social Care", "manager",
  2, 4, "supportive", "supportive", mgr="p-col-lane")

# --- University of Avonmere ---
P("p-uni-harrington", "Prof Elizabeth Harrington", "org-uni", "Pro Vice-Chancellor (Research and "
  "Partnerships)", "executive", 4, 3, "supportive", "supportive", "p-hub-nowak", core=0,
  notes="Sponsors the research partnership; last met in the spring.")
P("p-uni-osullivan", "Dr Ciarán O'Sullivan", "org-uni", "Reader in Public Health", "senior", 3, 4,
  "leading", "leading", "p-hub-nowak", mgr="p-uni-harrington", liaison=["p-hub-nowak"])
P("p-uni-zhang", "Dr Wei Zhang", "org-uni", "Research Fellow, Applied Health Research",
  "frontline", 2, 4, "supportive", "supportive", mgr="p-uni-osullivan", liaison=["p-hub-nowak"])

# --- Avonmere Police ---
P("p-avp-davies", "Mark Davies", "org-police", "Superintendent, Wrenmouth Area Commander",
  "senior", 4, 4, "supportive", "leading", "p-hub-ellison", core=0,
  notes="New in post in June 2026; has sent apologies to the last two board meetings.",
  tags=["board member"])
P("p-avp-okonkwo", "Ngozi Okonkwo", "org-police", "Inspector, Neighbourhood Policing", "manager",
  3, 4, "supportive", "supportive", mgr="p-avp-davies")
P("p-avp-reid", "Stuart Reid", "org-police", "Police Community Support Officer", "frontline", 1, 3,
  mgr="p-avp-okonkwo", core=0)

# --- Probation ---
P("p-prb-hamilton", "Alison Hamilton", "org-probation", "Head of Probation Delivery Unit",
  "senior", 3, 3, "supportive", "supportive", "p-hub-rahman")
P("p-prb-francis", "Jerome Francis", "org-probation", "Probation Officer", "frontline", 1, 3,
  mgr="p-prb-hamilton", core=1)

# --- Avonmere Fire and Rescue Service ---
P("p-fir-carter", "Jonathan Carter", "org-fire", "Area Manager, Prevention and Protection",
  "senior", 3, 2, "neutral", "supportive", core=0)
P("p-fir-bailey", "Kirsty Bailey", "org-fire", "Station Manager, Community Safety", "manager", 2,
  4, "leading", "leading", "p-hub-rahman", mgr="p-fir-carter", liaison=["p-hub-rahman"])
P("p-fir-nolan", "Dean Nolan", "org-fire", "Safe and Well Advocate", "frontline", 1, 4,
  mgr="p-fir-bailey", core=0)

# --- Active Wrenmouth Leisure Trust ---
P("p-lei-armstrong", "Kate Armstrong", "org-leisure", "Chief Executive", "executive", 2, 3,
  "supportive", "supportive", "p-hub-rahman")
P("p-lei-ellis", "Sam Ellis", "org-leisure", "Exercise on Referral Coordinator", "frontline", 1, 4,
  mgr="p-lei-armstrong")

# --- Wrenside Homes and the Marsh Lane TRA ---
P("p-wsh-eze", "Chinedu Eze", "org-ha", "Chief Executive", "executive", 4, 3, "supportive",
  "leading", "p-hub-okafor", tags=["board member"])
P("p-wsh-barnes", "Louise Barnes", "org-ha", "Director of Housing and Communities", "senior", 3, 4,
  "supportive", "supportive", "p-hub-rahman", mgr="p-wsh-eze")
P("p-wsh-ferguson", "Ross Ferguson", "org-ha", "Community Investment Manager", "manager", 2, 4,
  "supportive", "supportive", mgr="p-wsh-barnes")
P("p-wsh-daly", "Megan Daly", "org-ha", "Tenancy Sustainment Officer", "frontline", 1, 3,
  mgr="p-wsh-ferguson", core=0)
P("p-wsh-akinola", "Femi Akinola", "org-ha", "Resident Engagement Officer", "frontline", 1, 4,
  mgr="p-wsh-ferguson", core=0,
  notes="The only link between the Marsh Lane residents' association and anyone in the network.")
P("p-tra-lowe", "Pauline Lowe", "g-tra", "Chair", "volunteer", 1, 4, "unaware", "neutral",
  email="pauline.lowe@example.net", core=0)
P("p-tra-iqbal", "Mohammed Iqbal", "g-tra", "Secretary", "volunteer", 1, 3,
  email="mohammed.iqbal@example.net", core=0)
P("p-tra-berry", "Sandra Berry", "g-tra", "Resident", "service_user", 1, 3, email=False, core=0,
  sector="public_service_users")

# --- Jobcentre Plus (DWP) ---
P("p-dwp-ross", "Gillian Ross", "org-dwp", "District Manager", "senior", 4, 2, "unaware",
  "supportive", "p-hub-rahman", core=0)
P("p-dwp-richards", "Paula Richards", "org-dwp", "Partnership Manager", "manager", 3, 4,
  "supportive", "supportive", "p-hub-rahman", mgr="p-dwp-ross", core=0,
  notes="Works from the district office 20 miles away; every contact so far has been online.")
P("p-dwp-karim", "Adil Karim", "org-dwp", "Work Coach (Health and Disability)", "frontline", 1, 3,
  mgr="p-dwp-richards", core=0)

# --- OHID regional team ---
P("p-ohid-baker", "Dr Rebecca Baker", "org-ohid", "Consultant in Public Health (regional)",
  "senior", 3, 3, "supportive", "supportive", "p-hub-nowak", core=0)
P("p-ohid-kumar", "Vikram Kumar", "org-ohid", "Senior Analyst, Local Knowledge and Intelligence "
  "Service", "frontline", 2, 4, "supportive", "supportive", mgr="p-ohid-baker", core=0)

PERSON = {p["id"]: p for p in PEOPLE}
HUB_MEMBERS = [p["id"] for p in PEOPLE if p["org"] == "hub"]

# Hub members who deal with each organisation or group day to day (for generated contacts).
LIAISONS = {
    "org-council": ["p-hub-okafor", "p-hub-brennan", "p-hub-rahman"],
    "g-council-asc": ["p-hub-brennan", "p-hub-okafor"],
    "g-council-cs": ["p-hub-rahman", "p-hub-mensah"],
    "g-council-ph": ["p-hub-rahman", "p-hub-nowak"],
    "org-acute": ["p-hub-brennan", "p-hub-okafor"],
    "org-cmht": ["p-hub-brennan"],
    "org-icb": ["p-hub-okafor", "p-hub-brennan", "p-hub-nowak"],
    "org-gpfed": ["p-hub-brennan", "p-hub-rahman"],
    "org-hospice": ["p-hub-brennan"],
    "org-pv": ["p-hub-mensah", "p-hub-rahman"],
    "g-sufo": ["p-hub-mensah"],
    "org-cvs": ["p-hub-rahman", "p-hub-mensah"],
    "org-agewell": ["p-hub-rahman", "p-hub-mensah"],
    "org-carers": ["p-hub-rahman", "p-hub-mensah"],
    "org-foodbank": ["p-hub-rahman", "p-hub-mensah"],
    "g-interfaith": ["p-hub-rahman", "p-hub-mensah"],
    "org-openminds": ["p-hub-rahman", "p-hub-brennan"],
    "org-advice": ["p-hub-rahman"],
    "org-college": ["p-hub-rahman"],
    "org-uni": ["p-hub-nowak"],
    "org-police": ["p-hub-ellison", "p-hub-rahman"],
    "org-probation": ["p-hub-rahman"],
    "org-fire": ["p-hub-rahman"],
    "org-leisure": ["p-hub-rahman"],
    "org-ha": ["p-hub-rahman", "p-hub-okafor"],
}

TOPIC_KEYS = {
    "org-council": ["governance", "finance", "housing"],
    "g-council-asc": ["discharge", "carers", "care_market", "workforce", "frailty"],
    "g-council-cs": ["youth", "carers"],
    "g-council-ph": ["prevention", "data", "cost_of_living"],
    "org-acute": ["discharge", "frailty", "finance"],
    "org-cmht": ["mental_health", "frailty", "discharge", "palliative"],
    "org-icb": ["finance", "primary_care", "data", "governance"],
    "org-gpfed": ["primary_care", "prevention", "frailty"],
    "org-hospice": ["palliative", "carers"],
    "org-pv": ["voice"], "g-sufo": ["voice"],
    "org-cvs": ["vcs", "prevention", "cost_of_living"],
    "org-agewell": ["frailty", "prevention", "vcs"],
    "org-carers": ["carers", "voice"],
    "org-foodbank": ["cost_of_living"],
    "g-interfaith": ["faith", "cost_of_living"],
    "org-youth": ["youth"], "g-ypp": ["youth"],
    "org-openminds": ["mental_health", "prevention"],
    "org-advice": ["cost_of_living", "employment"],
    "org-polish": ["faith", "prevention"],
    "org-carehome": ["care_market"], "org-homecare": ["care_market"],
    "g-provider-forum": ["care_market"], "org-pharmacy": ["pharmacy"],
    "org-college": ["workforce", "youth"], "org-uni": ["research", "data"],
    "org-police": ["community_safety", "mental_health"],
    "org-probation": ["community_safety", "housing"],
    "org-fire": ["community_safety", "frailty"],
    "org-leisure": ["leisure", "prevention"],
    "org-ha": ["housing", "cost_of_living"], "g-tra": ["housing"],
    "org-dwp": ["employment"], "org-ohid": ["data", "prevention"],
    "hub": ["governance"],
}

TOPICS = {
    "governance": [
        "board agenda and forward plan", "the partnership agreement refresh",
        "the joint forward plan for Wrenmouth place", "the annual report to the Health and "
        "Wellbeing Board", "terms of reference for the sub-groups", "the risk register",
        "the integration self-assessment",
    ],
    "finance": [
        "the Better Care Fund plan and pooled budget", "section 75 agreement variations",
        "year-end BCF reconciliation", "winter funding allocation", "the pooled budget "
        "underspend", "financial risk share for discharge services",
    ],
    "discharge": [
        "delayed discharges and the discharge-to-assess pathway", "weekly discharge "
        "dashboard review", "bridging care capacity", "the trusted assessor pilot",
        "escalation on bed pressures", "pathway 1 reablement capacity", "the transfer of "
        "care hub", "criteria-to-reside reporting",
    ],
    "frailty": [
        "the frailty virtual ward", "falls prevention referrals", "frailty screening in "
        "primary care", "anticipatory care for housebound patients", "urgent community "
        "response two-hour standard",
    ],
    "mental_health": [
        "the community mental health transformation", "crisis café opening hours",
        "street triage and Section 136 detentions", "peer support in the crisis pathway",
        "suicide prevention action plan", "dual diagnosis support",
    ],
    "prevention": [
        "the healthy weight programme", "NHS Health Checks uptake in the east wards",
        "smoking cessation in pregnancy", "the Community Champions programme",
        "vaccination uptake in low-uptake wards", "the prevention investment proposal",
    ],
    "vcs": [
        "VCS capacity for social prescribing referrals", "the community grants round",
        "full cost recovery in VCS contracts", "volunteer recruitment and DBS checks",
        "the VCS health and wellbeing network",
    ],
    "carers": [
        "the carers' strategy refresh", "carers' breaks and respite capacity",
        "young carers' identification in schools", "carers' assessments backlog",
        "Carers Week plans",
    ],
    "cost_of_living": [
        "warm spaces for the winter", "the Household Support Fund allocation",
        "food insecurity referrals", "fuel poverty and cold homes", "debt advice capacity",
    ],
    "data": [
        "the population health dashboard", "the data sharing agreement for the linked "
        "dataset", "ward-level frailty indicators", "the JSNA chapter on healthy ageing",
        "inequalities metrics for the board report", "Core20PLUS5 reporting",
    ],
    "housing": [
        "damp and mould referrals and their health impact", "housing for hospital "
        "discharge", "homelessness prevention for prison leavers", "adaptations waiting "
        "times", "the Marsh Lane estate regeneration",
    ],
    "workforce": [
        "the care workforce academy", "T-level placements in care settings",
        "recruitment and retention of care workers", "apprenticeships in social care",
    ],
    "community_safety": [
        "Safe and Well referrals", "the community safety partnership plan",
        "antisocial behaviour and vulnerability", "serious violence duty",
        "hoarding and fire risk panel",
    ],
    "employment": [
        "WorkWell referrals", "health and work support for people on sickness benefits",
        "the employment advisers in talking therapies", "Jobcentre outreach at the food bank",
    ],
    "primary_care": [
        "primary care access", "PCN enhanced access", "the social prescribing "
        "specification", "the care homes ward round", "GP practice estates",
    ],
    "voice": [
        "forum feedback on GP access", "co-production of the carers' strategy",
        "the patient experience report", "accessible information standard", "feedback on "
        "discharge experiences", "the quarterly insight report",
    ],
    "youth": [
        "young people's mental health and wellbeing", "the youth health survey",
        "school-based mental health support", "transitions to adult services",
    ],
    "palliative": [
        "end of life care register", "hospice at home capacity", "advance care planning",
        "bereavement support",
    ],
    "research": [
        "the virtual ward evaluation", "the social prescribing outcomes study",
        "the NIHR bid on health inequalities", "research ethics for the linked dataset",
    ],
    "care_market": [
        "care home fee uplift", "care home vacancies and admissions", "home care hours "
        "and rounds", "the market sustainability plan", "agency staffing costs",
    ],
    "pharmacy": [
        "Pharmacy First referrals", "medicines reviews in care homes", "the hypertension "
        "case-finding service",
    ],
    "leisure": [
        "exercise on referral uptake", "the walking for health programme",
        "falls prevention classes",
    ],
    "faith": [
        "faith venues as warm spaces", "health messages through places of worship",
        "bereavement and end of life in faith communities", "community language health "
        "information",
    ],
}

FRAMES = {
    "face_to_face": ["Catch-up on {t}", "One-to-one on {t}", "Met to talk through {t}",
                     "Site visit and discussion of {t}"],
    "meeting": ["Meeting on {t}", "Progress review: {t}", "Workshop on {t}",
                "Planning meeting: {t}"],
    "video": ["Teams call on {t}", "Video call: {t}", "Online check-in on {t}"],
    "call": ["Phone call about {t}", "Quick call on {t}", "Call to follow up {t}"],
    "email": ["Email exchange on {t}", "Shared briefing on {t}", "Follow-up email on {t}",
              "Sent papers on {t}"],
    "letter": ["Letter regarding {t}"],
    "social_media": ["Shared and amplified posts on {t}"],
}

# ------------------------------------------------------------------------------------------------
# Declared ties (besides reports_to, which comes from each person's manager)
# ------------------------------------------------------------------------------------------------

# (source, target, kind, strength, extra)
TIES = [
    # the hub and its partners
    ("hub", "org-council", "collaborates", 5, {"notes": "Host authority; section 75 partner."}),
    ("hub", "org-icb", "collaborates", 5, {"notes": "Better Care Fund co-signatory."}),
    ("hub", "org-acute", "collaborates", 4, {"notes": "Partnership agreement signatory."}),
    ("hub", "org-cmht", "collaborates", 4, {"notes": "Partnership agreement signatory."}),
    ("hub", "org-gpfed", "collaborates", 3, {}),
    ("hub", "org-cvs", "collaborates", 4, {"notes": "Holds the VCS seat on the board."}),
    ("hub", "org-pv", "collaborates", 3, {}),
    ("hub", "org-ha", "collaborates", 3, {"valid_from": "2025-07-01",
                                          "notes": "Joined the board in July 2025."}),
    ("hub", "org-police", "collaborates", 2, {}),
    ("g-hub-discharge", "hub", "reports_to", 4, {}),
    ("g-hub-prevention", "hub", "reports_to", 4, {}),
    # hub members' own relationships
    ("p-hub-okafor", "p-wbc-achebe", "collaborates", 4, {}),
    ("p-hub-okafor", "p-asc-whitfield", "collaborates", 5, {}),
    ("p-hub-okafor", "p-icb-bennett", "collaborates", 5, {}),
    ("p-hub-okafor", "p-acu-fraser", "collaborates", 3, {}),
    ("p-hub-okafor", "p-cmh-hughes", "collaborates", 4, {}),
    ("p-hub-okafor", "p-ph-nwosu", "collaborates", 4, {}),
    ("p-hub-ellison", "p-wbc-hussain", "informal", 4, {}),
    ("p-hub-ellison", "p-avp-davies", "collaborates", 2, {"valid_from": "2026-06-01",
                                                          "notes": "Since he took up post."}),
    ("p-hub-brennan", "p-acu-gallagher", "collaborates", 4, {}),
    ("p-hub-brennan", "p-asc-adeyemi", "collaborates", 4, {}),
    ("p-hub-brennan", "p-cmh-thompson", "collaborates", 4, {}),
    ("p-hub-brennan", "p-wbc-forsyth", "collaborates", 4, {}),
    ("p-hub-brennan", "p-acu-singh", "advises", 3, {"notes": "Clinical adviser to the programme."}),
    ("p-hub-rahman", "p-cvs-adeleke", "collaborates", 5, {}),
    ("p-hub-rahman", "p-gpf-lewis", "collaborates", 4, {}),
    ("p-hub-rahman", "p-ph-harding", "collaborates", 4, {}),
    ("p-hub-rahman", "p-car-murphy", "collaborates", 3, {}),
    ("p-hub-rahman", "p-dwp-richards", "collaborates", 2, {}),
    ("p-hub-mensah", "p-pv-taylor", "collaborates", 4, {}),
    ("p-hub-mensah", "p-pv-baptiste", "collaborates", 4, {}),
    ("p-hub-mensah", "p-su-mcdonald", "collaborates", 3, {}),
    ("p-hub-mensah", "p-cs-begum", "collaborates", 3, {}),
    ("p-hub-nowak", "p-ph-lam", "collaborates", 4, {}),
    ("p-hub-nowak", "p-icb-akhtar", "collaborates", 4, {}),
    ("p-hub-nowak", "p-uni-zhang", "collaborates", 3,
     {"valid_from": "2025-09-01", "valid_to": "2027-08-31",
      "notes": "Honorary research fellowship for the evaluation."}),
    ("p-hub-brennan", "p-cmh-walsh", "informal", 2,
     {"valid_from": "2025-01-06", "valid_to": "2025-12-19",
      "notes": "Walsh was seconded into the programme team for 2025."}),
    # organisations: commissioning, funding, working together
    ("org-icb", "org-acute", "commissions", 5, {}),
    ("org-icb", "org-cmht", "commissions", 5, {}),
    ("org-icb", "org-gpfed", "commissions", 4, {}),
    ("org-icb", "org-hospice", "funds", 3, {}),
    ("org-icb", "org-pharmacy", "commissions", 2, {"notes": "Community pharmacy contract "
                                                   "(delegated from NHS England)."}),
    ("org-council", "org-agewell", "commissions", 3, {"valid_from": "2024-04-01",
                                                       "valid_to": "2027-03-31"}),
    ("org-council", "org-carers", "commissions", 3, {}),
    ("org-council", "org-advice", "funds", 2, {}),
    ("org-council", "org-cvs", "funds", 3, {}),
    ("org-council", "org-pv", "funds", 3, {"notes": "Local Healthwatch contract."}),
    ("org-council", "org-foodbank", "funds", 2,
     {"valid_from": "2025-04-01", "valid_to": "2026-03-31",
      "notes": "Household Support Fund grant, not renewed for 2026/27."}),
    ("org-council", "org-leisure", "commissions", 3, {}),
    ("org-council", "org-ha", "collaborates", 3, {}),
    ("org-council", "org-police", "collaborates", 3, {"notes": "Community Safety Partnership."}),
    ("org-cmht", "org-openminds", "commissions", 3, {"notes": "Peer support and crisis café."}),
    ("org-cvs", "org-agewell", "collaborates", 2, {}),
    ("org-cvs", "org-carers", "collaborates", 2, {}),
    ("org-cvs", "org-foodbank", "collaborates", 2, {}),
    ("org-cvs", "org-openminds", "collaborates", 2, {}),
    ("org-cvs", "org-advice", "collaborates", 2, {}),
    ("org-uni", "org-icb", "collaborates", 2, {}),
    ("org-college", "org-uni", "collaborates", 2, {}),
    ("org-dwp", "org-advice", "collaborates", 2, {}),
    ("org-fire", "org-police", "collaborates", 3, {}),
    ("org-probation", "org-police", "collaborates", 3, {}),
    ("org-ohid", "g-council-ph", "advises", 2, {}),
    ("p-wbc-forsyth", "org-carehome", "commissions", 3, {}),
    ("p-wbc-forsyth", "org-homecare", "commissions", 3, {}),
    ("p-cs-begum", "org-youth", "commissions", 3, {"notes": "Early Help detached youth work."}),
    ("p-pol-zielinska", "org-polish", "collaborates", 5, {"notes": "Chair."}),
    # directorates and groups
    ("p-asc-whitfield", "g-council-asc", "collaborates", 5, {"notes": "Directorate lead."}),
    ("p-cs-morgan", "g-council-cs", "collaborates", 5, {"notes": "Directorate lead."}),
    ("p-ph-nwosu", "g-council-ph", "collaborates", 5, {"notes": "Directorate lead."}),
    ("p-su-mcdonald", "g-sufo", "collaborates", 5, {"notes": "Chair."}),
    ("p-pv-baptiste", "g-sufo", "advises", 4, {"notes": "Facilitates the forum."}),
    ("p-su-kaya", "g-sufo", "collaborates", 3, {}),
    ("p-su-robinson", "g-sufo", "collaborates", 3, {}),
    ("p-su-nguyen", "g-sufo", "collaborates", 2, {}),
    ("p-su-phillips", "g-sufo", "collaborates", 3, {}),
    ("p-ifa-qureshi", "g-interfaith", "collaborates", 5, {"notes": "Chair."}),
    ("p-ifa-ashworth", "g-interfaith", "collaborates", 4, {"notes": "Secretary."}),
    ("p-ifa-sandhu", "g-interfaith", "collaborates", 3, {}),
    ("p-hcg-obi", "g-provider-forum", "collaborates", 5, {"notes": "Chair."}),
    ("p-hcg-marsh", "g-provider-forum", "collaborates", 3, {}),
    ("p-hcg-silva", "g-provider-forum", "collaborates", 2, {}),
    ("p-bhc-hart", "g-provider-forum", "collaborates", 3, {}),
    ("p-bhc-dawson", "g-provider-forum", "collaborates", 3, {}),
    ("p-glp-mistry", "g-provider-forum", "collaborates", 2, {}),
    ("p-wbc-osei", "g-provider-forum", "advises", 2, {"notes": "Attends occasionally."}),
    ("p-yth-pearson", "g-ypp", "collaborates", 4, {"notes": "Facilitates the panel."}),
    ("p-yth-hassan", "g-ypp", "collaborates", 3, {}),
    ("p-ypp-edwards", "g-ypp", "collaborates", 3, {}),
    ("p-ypp-okoro", "g-ypp", "collaborates", 3, {}),
    ("p-tra-lowe", "g-tra", "collaborates", 5, {"notes": "Chair."}),
    ("p-tra-iqbal", "g-tra", "collaborates", 4, {"notes": "Secretary."}),
    ("p-tra-berry", "g-tra", "collaborates", 2, {}),
    # health and social care
    ("p-acu-gallagher", "p-asc-adeyemi", "collaborates", 4, {}),
    ("p-acu-obrien", "p-asc-doherty", "collaborates", 3, {}),
    ("p-acu-singh", "p-cmh-walsh", "collaborates", 3, {"notes": "Frailty virtual ward."}),
    ("p-acu-wright", "p-asc-kowalczyk", "collaborates", 2, {"notes": "Tense; escalations."}),
    ("p-acu-chen", "p-acu-obrien", "collaborates", 3, {}),
    ("p-cmh-thompson", "p-asc-kowalczyk", "collaborates", 3, {}),
    ("p-cmh-walsh", "p-asc-patel", "collaborates", 3, {}),
    ("p-cmh-ibrahim", "p-avp-okonkwo", "collaborates", 3, {"notes": "Street triage."}),
    ("p-cmh-evans", "p-om-ansah", "collaborates", 4, {}),
    ("p-cmh-evans", "p-col-mwangi", "collaborates", 3, {}),
    ("p-cmh-grant", "p-prb-francis", "collaborates", 2, {}),
    ("p-cmh-grant", "p-om-ansah", "informal", 2, {}),
    ("p-wbc-forsyth", "p-icb-price", "collaborates", 3, {}),
    ("p-wbc-forsyth", "p-icb-jones", "collaborates", 3, {}),
    ("p-icb-bennett", "p-asc-whitfield", "collaborates", 4, {}),
    ("p-icb-bennett", "p-wbc-achebe", "collaborates", 3, {}),
    ("p-icb-mahmood", "p-wbc-forsyth", "collaborates", 2, {}),
    ("p-icb-akhtar", "p-ph-lam", "collaborates", 4, {}),
    ("p-icb-akhtar", "p-ph-harding", "collaborates", 3, {}),
    ("p-icb-price", "p-gpf-clarke", "collaborates", 4, {}),
    ("p-icb-price", "p-glp-mistry", "commissions", 2, {}),
    ("p-gpf-clarke", "p-ph-nwosu", "collaborates", 2, {}),
    ("p-gpf-nnamdi", "p-acu-singh", "collaborates", 2, {}),
    ("p-gpf-lewis", "p-cvs-hall", "collaborates", 4, {}),
    ("p-gpf-lewis", "p-age-green", "collaborates", 3, {}),
    ("p-gpf-lewis", "p-fb-ogunleye", "collaborates", 3, {}),
    ("p-gpf-lewis", "p-ifa-qureshi", "collaborates", 3, {}),
    ("p-gpf-lewis", "p-lei-ellis", "collaborates", 3, {}),
    ("p-gpf-lewis", "p-glp-young", "collaborates", 2, {}),
    ("p-gpf-ahmed", "p-age-shah", "collaborates", 3, {}),
    ("p-gpf-ahmed", "p-adv-miah", "collaborates", 3, {}),
    ("p-gpf-ahmed", "p-car-jackson", "collaborates", 2, {}),
    ("p-hos-moore", "p-cmh-hughes", "collaborates", 3, {}),
    ("p-hos-dunn", "p-cmh-walsh", "collaborates", 4, {}),
    ("p-hos-okeke", "p-cmh-walsh", "collaborates", 3, {}),
    ("p-hos-okeke", "p-car-murphy", "collaborates", 2, {}),
    # public health and the communities
    ("p-ph-harding", "p-cvs-hall", "collaborates", 3, {}),
    ("p-ph-harding", "p-adv-kelly", "collaborates", 2, {}),
    ("p-ph-harding", "p-uni-osullivan", "collaborates", 3, {}),
    ("p-ph-harding", "p-lei-armstrong", "collaborates", 3, {}),
    ("p-ph-ali", "p-fb-ogunleye", "collaborates", 3, {}),
    ("p-ph-ali", "p-ifa-qureshi", "collaborates", 3, {}),
    ("p-ph-ali", "p-lei-ellis", "collaborates", 2, {}),
    ("p-ph-ali", "p-pol-zielinska", "collaborates", 3,
     {"valid_from": "2024-09-01", "valid_to": "2026-03-31",
      "notes": "Community Champions programme; ended when its funding ran out."}),
    ("p-ph-lam", "p-ohid-kumar", "collaborates", 3, {}),
    ("p-ph-harding", "p-ohid-baker", "collaborates", 3, {}),
    ("p-cs-begum", "p-yth-boateng", "collaborates", 4, {}),
    ("p-cs-begum", "p-yth-pearson", "collaborates", 3, {}),
    ("p-cs-begum", "p-car-wood", "collaborates", 3, {"notes": "Young carers in Early Help."}),
    ("p-cs-campbell", "p-car-jackson", "collaborates", 2, {}),
    ("p-cs-morgan", "p-col-lane", "collaborates", 2, {}),
    ("p-cs-morgan", "p-avp-davies", "collaborates", 2, {"notes": "Safeguarding partnership."}),
    ("p-wbc-sharma", "p-wsh-daly", "collaborates", 3, {}),
    ("p-wbc-sharma", "p-prb-hamilton", "collaborates", 3, {}),
    ("p-wbc-sharma", "p-wsh-barnes", "collaborates", 3, {}),
    ("p-wbc-achebe", "p-wsh-eze", "collaborates", 3, {}),
    ("p-wbc-achebe", "p-avp-davies", "collaborates", 2, {}),
    ("p-asc-whitfield", "p-hos-moore", "collaborates", 2, {}),
    ("p-asc-whitfield", "p-age-stewart", "collaborates", 3, {}),
    ("p-wbc-osei", "p-hcg-marsh", "collaborates", 3, {"notes": "Contract monitoring."}),
    ("p-wbc-osei", "p-car-murphy", "collaborates", 3, {}),
    ("p-wbc-osei", "p-age-stewart", "collaborates", 2, {}),
    # voluntary and community sector
    ("p-cvs-adeleke", "p-age-stewart", "collaborates", 3, {}),
    ("p-cvs-adeleke", "p-car-murphy", "collaborates", 3, {}),
    ("p-cvs-adeleke", "p-om-fletcher", "collaborates", 3, {}),
    ("p-cvs-adeleke", "p-adv-kelly", "collaborates", 2, {}),
    ("p-cvs-adeleke", "p-pv-taylor", "collaborates", 3, {}),
    ("p-cvs-kovacs", "p-age-cooper", "collaborates", 2, {}),
    ("p-cvs-kovacs", "p-fb-white", "collaborates", 3, {}),
    ("p-age-green", "p-car-murphy", "collaborates", 3, {}),
    ("p-age-shah", "p-car-jackson", "collaborates", 2, {}),
    ("p-fb-ogunleye", "p-adv-kelly", "collaborates", 3, {}),
    ("p-fb-ogunleye", "p-ifa-qureshi", "collaborates", 3, {}),
    ("p-fb-white", "p-ifa-sandhu", "informal", 2, {}),
    ("p-ifa-sandhu", "p-fb-ogunleye", "collaborates", 2, {}),
    ("p-ifa-ashworth", "p-age-stewart", "informal", 2, {}),
    ("p-adv-miah", "p-dwp-karim", "collaborates", 3, {}),
    ("p-adv-miah", "p-wsh-daly", "collaborates", 3, {}),
    ("p-om-fletcher", "p-cmh-thompson", "collaborates", 2, {}),
    ("p-om-ansah", "p-su-mcdonald", "collaborates", 3, {}),
    ("p-om-ansah", "p-su-phillips", "collaborates", 3, {}),
    ("p-pv-baptiste", "p-su-robinson", "collaborates", 2, {}),
    ("p-su-robinson", "p-car-jackson", "informal", 2, {}),
    ("p-pv-taylor", "p-car-murphy", "collaborates", 2, {}),
    # education
    ("p-col-bell", "p-asc-kowalczyk", "collaborates", 2, {"notes": "Care workforce academy."}),
    ("p-uni-osullivan", "p-icb-akhtar", "collaborates", 2, {}),
    ("p-uni-zhang", "p-icb-akhtar", "collaborates", 3, {}),
    ("p-uni-harrington", "p-icb-bennett", "collaborates", 2, {}),
    # police, justice, fire, leisure
    ("p-avp-okonkwo", "p-fir-bailey", "collaborates", 3, {}),
    ("p-avp-okonkwo", "p-wsh-ferguson", "collaborates", 2, {}),
    ("p-avp-reid", "p-fir-nolan", "collaborates", 2, {}),
    ("p-avp-reid", "p-wsh-daly", "informal", 2, {}),
    ("p-avp-davies", "p-fir-carter", "collaborates", 2, {}),
    ("p-prb-francis", "p-adv-miah", "collaborates", 2, {}),
    ("p-fir-bailey", "p-age-shah", "collaborates", 2, {}),
    ("p-fir-bailey", "p-wsh-ferguson", "collaborates", 2, {}),
    ("p-fir-nolan", "p-age-green", "collaborates", 2, {}),
    ("p-lei-ellis", "p-age-green", "informal", 2, {}),
    # housing
    ("p-wsh-ferguson", "p-cvs-hall", "collaborates", 2, {}),
    ("p-wsh-akinola", "p-wsh-barnes", "collaborates", 2, {}),
    ("p-wsh-akinola", "p-tra-lowe", "collaborates", 2, {}),
    ("p-tra-lowe", "p-tra-iqbal", "collaborates", 3, {}),
    # DWP
    ("p-dwp-richards", "p-adv-kelly", "collaborates", 3, {}),
    ("p-dwp-richards", "p-cvs-hall", "collaborates", 2, {}),
    # the private sector, mostly among itself
    ("p-hcg-marsh", "p-hcg-silva", "collaborates", 3, {}),
    ("p-hcg-barker", "p-bhc-hart", "informal", 2, {}),
    ("p-bhc-dawson", "p-hcg-marsh", "informal", 2, {}),
    ("p-glp-young", "p-hcg-marsh", "collaborates", 2, {"notes": "Medicines reviews."}),
    ("p-bhc-ferreira", "g-provider-forum", "collaborates", 2, {}),
    ("p-pol-wisniewski", "p-pol-zielinska", "collaborates", 3, {}),
    # second links for people who would otherwise hang on one thread
    ("p-gpf-rossi", "p-gpf-ahmed", "collaborates", 2, {"notes": "Link worker based at his "
                                                        "practice."}),
    ("p-cmh-kaur", "p-acu-singh", "collaborates", 2, {}),
    ("p-wbc-hussain", "p-wbc-achebe", "collaborates", 4, {}),
    ("p-icb-mahmood", "p-icb-bennett", "collaborates", 3, {}),
]

# ------------------------------------------------------------------------------------------------
# Deliberate exceptions: who must keep the gap they illustrate
# ------------------------------------------------------------------------------------------------

# No generated contact with the core (their contact is scripted below, or absent on purpose).
NO_CORE_CONTACT = {
    "p-yth-boateng", "p-yth-pearson", "p-yth-hassan", "p-ypp-edwards", "p-ypp-okoro",
    "p-wsh-akinola", "p-tra-lowe", "p-tra-iqbal", "p-tra-berry",
    "p-pol-zielinska", "p-pol-wisniewski",
    "p-hcg-barker", "p-hcg-obi", "p-hcg-marsh", "p-hcg-silva", "p-bhc-hart", "p-bhc-dawson",
    "p-bhc-ferreira", "p-glp-mistry", "p-glp-young",
    "p-dwp-ross", "p-dwp-richards", "p-dwp-karim", "p-ohid-baker", "p-ohid-kumar",
    "p-fir-carter", "p-uni-harrington", "p-avp-davies",
}
# Remote-only contact with the core (no_face_to_face): never at in-person core engagements.
REMOTE_ONLY = {"p-dwp-richards", "p-dwp-ross", "p-dwp-karim", "p-ohid-baker", "p-ohid-kumar"}
# Stale on purpose: no core contact in the last N days.
STALE = {
    "p-avp-davies": 70, "p-uni-harrington": 120, "p-hcg-barker": 75, "p-dwp-ross": 200,
    "p-tra-lowe": 120, "p-tra-iqbal": 9999, "p-tra-berry": 9999, "p-pol-zielinska": 9999,
    "p-pol-wisniewski": 9999,
}
# Kept off every event (their engagement pattern is scripted).
NOT_AT_EVENTS = REMOTE_ONLY | {"p-hcg-barker", "p-uni-harrington", "p-avp-davies"}


# fmt: on

# ------------------------------------------------------------------------------------------------
# Helpers
# ------------------------------------------------------------------------------------------------


def iso(d: date) -> str:
    return d.isoformat()


# English bank holidays in the demo's window (and the days the office is shut at Christmas).
HOLIDAYS = {
    date(2025, 5, 26),
    date(2025, 8, 25),
    date(2025, 12, 24),
    date(2025, 12, 25),
    date(2025, 12, 26),
    date(2025, 12, 29),
    date(2025, 12, 30),
    date(2025, 12, 31),
    date(2026, 1, 1),
    date(2026, 4, 3),
    date(2026, 4, 6),
    date(2026, 5, 4),
    date(2026, 5, 25),
    date(2026, 8, 31),
}


def weekday(d: date) -> date:
    """Move a date to the nearest earlier working day (never on or after REF)."""
    if d >= REF:
        d = REF - timedelta(days=1)
    while d.weekday() >= 5 or d in HOLIDAYS:
        d -= timedelta(days=1)
    return d


def nth_weekday(year: int, month: int, wd: int, n: int) -> date:
    d = date(year, month, 1)
    while d.weekday() != wd:
        d += timedelta(days=1)
    return d + timedelta(days=7 * (n - 1))


def months(first: date, last: date):
    y, m = first.year, first.month
    while (y, m) <= (last.year, last.month):
        yield y, m
        m += 1
        if m == 13:
            y, m = y + 1, 1


def ascii_slug(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z.]", "", text.lower())


TITLES = {"Dr", "Prof", "Cllr", "Revd", "Imam"}


def email_for(p: dict) -> str | None:
    if p.get("email") is False:
        return None
    if isinstance(p.get("email"), str):
        return p["email"]
    parts = [w for w in p["name"].split() if w not in TITLES]
    local = ascii_slug(parts[0]) + "." + ascii_slug(parts[-1])
    org = p["org"]
    while org not in DOMAINS:
        org = GROUP_ORG.get(org)
        if org is None:
            return None
    return f"{local}@{DOMAINS[org]}"


GROUP_ORG = {g[0]: g[2] for g in GROUPS}


def top_org(sid: str) -> str | None:
    """The organisation (or 'hub') a stakeholder sits under, walking up through groups."""
    seen = set()
    cur = sid
    while True:
        if cur in seen:
            return None
        seen.add(cur)
        if cur == "hub":
            return "hub"
        if cur.startswith("org-"):
            return cur
        nxt = PERSON[cur]["org"] if cur in PERSON else GROUP_ORG.get(cur)
        if nxt is None:
            return cur  # a group with no organisation is its own group
        cur = nxt


# ------------------------------------------------------------------------------------------------
# Generation
# ------------------------------------------------------------------------------------------------


class Builder:
    def __init__(self) -> None:
        self.rng = random.Random(SEED)
        self.engagements: list[dict] = []

    # -- engagements -----------------------------------------------------------------------------

    def add(
        self,
        day: date,
        channel: str,
        participants,
        summary: str,
        sentiment=None,
        exact_day: bool = False,
    ) -> dict:
        people = list(dict.fromkeys(participants))
        assert len(people) >= 2, (summary, people)
        if not exact_day:
            day = weekday(day)
        e = {"occurred_on": day, "channel": channel, "participants": people, "summary": summary}
        if sentiment is not None:
            e["sentiment"] = sentiment
        self.engagements.append(e)
        return e

    def topic(self, *keys: str) -> str:
        pool = [t for k in keys for t in TOPICS.get(k, [])] or TOPICS["governance"]
        return self.rng.choice(pool)

    def summary(self, channel: str, topic: str) -> str:
        text = self.rng.choice(FRAMES[channel]).format(t=topic)
        return text[0].upper() + text[1:]

    def sentiment(self, base: int = 1) -> int | None:
        r = self.rng.random()
        if r < 0.45:
            return None
        return max(-2, min(2, base + self.rng.choice([-1, 0, 0, 0, 1])))

    def random_day(self, lo_days: int = 1, hi_days: int = 540) -> date:
        return REF - timedelta(days=self.rng.randint(lo_days, hi_days))

    # -- schedules -------------------------------------------------------------------------------

    def board(self) -> None:
        members = [
            "p-wbc-achebe",
            "p-wbc-hussain",
            "p-asc-whitfield",
            "p-ph-nwosu",
            "p-cs-morgan",
            "p-acu-fraser",
            "p-cmh-hughes",
            "p-icb-bennett",
            "p-icb-mahmood",
            "p-gpf-clarke",
            "p-cvs-adeleke",
            "p-pv-taylor",
            "p-wsh-eze",
        ]
        agenda = [
            "Board: Better Care Fund plan sign-off and winter plan",
            "Board: discharge performance deep dive and the trusted assessor pilot",
            "Board: prevention investment proposal and the Community Champions evaluation",
            "Board: annual report, risk register and the joint forward plan",
            "Board: carers' strategy co-produced with the Service Users' Forum",
            "Board: population health dashboard launch and inequalities targets",
            "Board: mental health crisis pathway review",
            "Board: cost of living and warm spaces; housing and health",
            "Board: partnership agreement refresh and the next year's priorities",
        ]
        i = 0
        for y, m in months(START, REF):
            if m % 2 == 1:
                continue
            day = nth_weekday(y, m, 3, 3)  # third Thursday of even months
            if not START <= day < REF:
                continue
            people = ["p-hub-ellison", "p-hub-okafor", "p-hub-brennan"]
            if self.rng.random() < 0.5:
                people.append("p-hub-rahman")
            for pid in members:
                if self.rng.random() < 0.88:
                    people.append(pid)
            # the new area commander came to his first board in June, then sent apologies
            if date(2026, 6, 1) <= day < date(2026, 7, 31):
                people.append("p-avp-davies")
            if day >= REF - timedelta(days=40):  # the October board was full
                people = list(dict.fromkeys(people + members))
            self.add(day, "meeting", people, agenda[i % len(agenda)], self.sentiment(1))
            i += 1

    def working_group(
        self,
        title: str,
        group: str,
        lead: list[str],
        regulars: dict[str, float],
        every: int,
        topics: list[str],
        channel: str = "meeting",
        weekday_n=(1, 2),
    ) -> None:
        day = START + timedelta(days=10)
        while day < REF - timedelta(days=3):
            people = [group] + list(lead)
            for pid, prob in regulars.items():
                if self.rng.random() < prob:
                    people.append(pid)
            d = day
            while d.weekday() != weekday_n[0]:
                d += timedelta(days=1)
            if d < REF:
                self.add(d, channel, people, f"{title}: {self.topic(*topics)}", self.sentiment(1))
            day += timedelta(days=every + self.rng.randint(-3, 3))

    def schedules(self) -> None:
        self.board()
        self.working_group(
            "Discharge and Flow Working Group",
            "g-hub-discharge",
            ["p-hub-brennan"],
            {
                "p-acu-gallagher": 0.95,
                "p-acu-obrien": 0.5,
                "p-asc-adeyemi": 0.9,
                "p-asc-kowalczyk": 0.7,
                "p-cmh-walsh": 0.8,
                "p-acu-singh": 0.5,
                "p-wbc-forsyth": 0.6,
                "p-cmh-thompson": 0.4,
                "p-acu-wright": 0.25,
            },
            30,
            ["discharge", "frailty"],
        )
        self.working_group(
            "Prevention and Communities Steering Group",
            "g-hub-prevention",
            ["p-hub-rahman", "p-hub-mensah"],
            {
                "p-ph-harding": 0.9,
                "p-cvs-hall": 0.85,
                "p-gpf-lewis": 0.9,
                "p-age-green": 0.6,
                "p-car-murphy": 0.6,
                "p-fb-ogunleye": 0.5,
                "p-om-ansah": 0.6,
                "p-wsh-ferguson": 0.6,
                "p-fir-bailey": 0.6,
                "p-lei-ellis": 0.5,
                "p-ph-ali": 0.6,
            },
            42,
            ["prevention", "cost_of_living", "vcs"],
            weekday_n=(2,),
        )
        self.working_group(
            "Service Users' Forum",
            "g-sufo",
            ["p-hub-mensah", "p-pv-baptiste"],
            {
                "p-su-mcdonald": 0.95,
                "p-su-kaya": 0.7,
                "p-su-robinson": 0.7,
                "p-su-nguyen": 0.5,
                "p-su-phillips": 0.7,
                "p-pv-taylor": 0.3,
            },
            42,
            ["voice"],
            weekday_n=(3,),
        )
        # Population health data group: online, so OHID's analyst never meets anyone in person.
        self.working_group(
            "Population health data group (online)",
            "p-hub-nowak",
            ["p-ph-lam"],
            {"p-icb-akhtar": 0.9, "p-uni-zhang": 0.7, "p-ohid-kumar": 0.85, "p-uni-osullivan": 0.4},
            60,
            ["data"],
            channel="video",
            weekday_n=(4,),
        )
        # Groups that meet without the core.
        self.working_group(
            "Providers' forum",
            "g-provider-forum",
            ["p-hcg-obi"],
            {
                "p-hcg-marsh": 0.8,
                "p-hcg-silva": 0.6,
                "p-bhc-hart": 0.6,
                "p-bhc-dawson": 0.8,
                "p-glp-mistry": 0.4,
                "p-hcg-barker": 0.2,
                "p-bhc-ferreira": 0.3,
            },
            45,
            ["care_market", "workforce"],
            weekday_n=(2,),
        )
        self.working_group(
            "Young People's Health Panel",
            "g-ypp",
            ["p-yth-pearson"],
            {"p-yth-hassan": 0.7, "p-ypp-edwards": 0.9, "p-ypp-okoro": 0.8, "p-yth-boateng": 0.3},
            60,
            ["youth"],
            weekday_n=(2,),
        )
        self.working_group(
            "Marsh Lane TRA committee",
            "g-tra",
            ["p-tra-lowe"],
            {"p-tra-iqbal": 0.9, "p-tra-berry": 0.7},
            90,
            ["housing"],
            weekday_n=(1,),
        )
        self.working_group(
            "Interfaith Forum",
            "g-interfaith",
            ["p-ifa-qureshi", "p-ifa-ashworth"],
            {"p-ifa-sandhu": 0.8, "p-hub-rahman": 0.3, "p-fb-ogunleye": 0.3},
            75,
            ["faith", "cost_of_living"],
            weekday_n=(0,),
        )

    def events(self) -> None:
        everyone = [p["id"] for p in PEOPLE if p["org"] != "hub"]
        pools = {
            "health": [
                p
                for p in everyone
                if top_org(p) in ("org-acute", "org-cmht", "org-icb", "org-gpfed", "org-hospice")
            ],
            "council": [p for p in everyone if top_org(p) == "org-council"],
            "vcs": [
                p
                for p in everyone
                if top_org(p)
                in (
                    "org-cvs",
                    "org-agewell",
                    "org-carers",
                    "org-foodbank",
                    "org-openminds",
                    "org-advice",
                    "g-interfaith",
                    "org-hospice",
                )
            ],
            "voice": [p for p in everyone if top_org(p) == "org-pv"],
            "other": [
                p
                for p in everyone
                if top_org(p)
                in (
                    "org-ha",
                    "org-police",
                    "org-probation",
                    "org-fire",
                    "org-leisure",
                    "org-college",
                    "org-uni",
                )
            ],
        }
        plan = [
            (
                date(2025, 6, 19),
                "Wrenmouth Health and Care Summit 2025: one year of the partnership",
                [
                    "p-hub-ellison",
                    "p-hub-okafor",
                    "p-hub-brennan",
                    "p-hub-rahman",
                    "p-hub-mensah",
                    "p-hub-nowak",
                ],
                {"health": 8, "council": 6, "vcs": 8, "voice": 3, "other": 5},
                ["p-uni-harrington", "p-pol-zielinska", "p-pol-wisniewski", "p-hcg-obi"],
                1,
            ),
            (
                date(2025, 10, 9),
                "Winter resilience workshop 2025",
                ["p-hub-okafor", "p-hub-brennan", "p-hub-rahman"],
                {"health": 9, "council": 6, "vcs": 5, "voice": 1, "other": 3},
                ["p-hcg-obi", "p-bhc-dawson"],
                0,
            ),
            (
                date(2025, 11, 20),
                "Cost of living roundtable: food, fuel and debt",
                ["p-hub-rahman", "p-hub-mensah", "p-hub-okafor"],
                {"health": 2, "council": 4, "vcs": 12, "voice": 2, "other": 3},
                [],
                1,
            ),
            (
                date(2026, 3, 12),
                "VCS Health and Wellbeing Network conference",
                ["p-hub-rahman", "p-hub-mensah", "p-hub-okafor"],
                {"health": 5, "council": 4, "vcs": 14, "voice": 3, "other": 4},
                ["p-cs-begum"],
                1,
            ),
            (
                date(2026, 6, 11),
                "Community health fair for Carers Week, Wrenmouth market square",
                ["p-hub-mensah", "p-hub-rahman"],
                {"health": 4, "council": 3, "vcs": 10, "voice": 5, "other": 4},
                ["p-tra-lowe", "p-yth-hassan", "p-car-wood", "p-car-jackson"],
                2,
            ),
            (
                date(2026, 9, 24),
                "Youth mental health summit at Wrenmouth College",
                ["p-hub-mensah", "p-hub-rahman"],
                {"health": 4, "council": 2, "vcs": 4, "voice": 2, "other": 3},
                [
                    "p-yth-boateng",
                    "p-yth-pearson",
                    "p-yth-hassan",
                    "p-ypp-edwards",
                    "p-ypp-okoro",
                    "p-cs-begum",
                    "p-cmh-evans",
                    "p-col-mwangi",
                    "p-col-lane",
                    "p-car-wood",
                ],
                1,
            ),
            (
                date(2026, 10, 8),
                "Winter resilience workshop 2026",
                ["p-hub-okafor", "p-hub-brennan", "p-hub-rahman", "p-hub-nowak"],
                {"health": 9, "council": 6, "vcs": 5, "voice": 1, "other": 4},
                [
                    "p-hcg-obi",
                    "p-hcg-marsh",
                    "p-bhc-dawson",
                    "p-bhc-hart",
                    "p-glp-mistry",
                    "p-fir-carter",
                ],
                1,
            ),
        ]
        for day, title, core, quotas, forced, sent in plan:
            people = list(core) + list(forced)
            for pool, n in quotas.items():
                candidates = [
                    p
                    for p in pools[pool]
                    if p not in people
                    and p not in NOT_AT_EVENTS
                    and p not in STALE
                    and p not in NO_CORE_CONTACT
                ]
                people += self.rng.sample(candidates, min(n, len(candidates)))
            self.add(day, "event", people, title, sent)

    def bulletins(self) -> None:
        """Partnership bulletins; sent to contacts who have met the team in person."""
        met = set()
        core = set(HUB_MEMBERS)
        for e in self.engagements:
            if (
                e["channel"] in IN_PERSON
                and len(e["participants"]) <= MAX_PARTICIPANTS
                and core & set(e["participants"])
            ):
                met |= set(e["participants"]) - core
        readers = sorted(
            p["id"]
            for p in PEOPLE
            if p["id"] in met
            and email_for(p)
            and p.get("contact_permitted", True)
            and p["id"] not in STALE
        )
        for y, m in [
            (2025, 6),
            (2025, 8),
            (2025, 10),
            (2025, 12),
            (2026, 2),
            (2026, 4),
            (2026, 6),
            (2026, 10),
        ]:
            day = nth_weekday(y, m, 1, 1) + timedelta(days=7)
            n = self.rng.randint(14, 32)
            people = ["p-hub-mensah"] + self.rng.sample(readers, n)
            self.add(day, "newsletter", people, f"Partnership bulletin, {day.strftime('%B %Y')}")
        # The annual report goes to the whole mailing list (no pair evidence: > 50 recipients).
        wide = sorted(
            p["id"]
            for p in PEOPLE
            if p["org"] != "hub"
            and email_for(p)
            and p.get("contact_permitted", True)
            and p["id"] not in REMOTE_ONLY
            and p["id"] not in ("p-pol-zielinska", "p-pol-wisniewski")
        )
        self.add(
            date(2026, 7, 15),
            "newsletter",
            ["p-hub-mensah", "p-hub-okafor"] + wide,
            "Annual report 2025/26 and the partnership's priorities for the year ahead",
        )

    def one_to_ones(self) -> None:
        """Generated contact between the core and partner staff, by influence."""
        base = {5: 9, 4: 7, 3: 4, 2: 2, 1: 1, None: 1}
        channels = (
            ["face_to_face"] * 4 + ["meeting"] * 2 + ["call"] * 3 + ["video"] * 3 + ["email"] * 4
        )
        for p in PEOPLE:
            pid = p["id"]
            if p["org"] == "hub" or pid in NO_CORE_CONTACT:
                continue
            n = p.get("core")
            if n is None:
                n = base[p["influence"]] + self.rng.randint(-1, 2)
            grp = p["org"]
            team = (
                p.get("liaison")
                or LIAISONS.get(grp)
                or LIAISONS.get(top_org(pid))
                or ["p-hub-rahman"]
            )
            if p.get("owner") and p["owner"] not in team:
                team = [p["owner"]] + list(team)
            colleagues = [
                q["id"]
                for q in PEOPLE
                if q["id"] != pid
                and top_org(q["id"]) == top_org(pid)
                and q["id"] not in NO_CORE_CONTACT
            ]
            for _ in range(max(0, n)):
                who = (
                    self.rng.choice(team[:2]) if self.rng.random() < 0.8 else self.rng.choice(team)
                )
                ch = self.rng.choice(channels)
                people = [who, pid]
                if colleagues and self.rng.random() < 0.25:
                    people.append(self.rng.choice(colleagues))
                if self.rng.random() < 0.12:
                    people.append(self.rng.choice([h for h in HUB_MEMBERS if h != who]))
                base_sent = (
                    -1
                    if p.get("engagement") == "resistant"
                    else (0 if p.get("engagement") == "neutral" else 1)
                )
                keys = TOPIC_KEYS.get(grp) or TOPIC_KEYS.get(top_org(pid)) or ["governance"]
                self.add(
                    self.random_day(),
                    ch,
                    people,
                    self.summary(ch, self.topic(*keys)),
                    self.sentiment(base_sent),
                )

    def partner_contacts(self) -> None:
        """Engagements among partners, along their declared person-to-person ties."""
        channels = (
            ["face_to_face"] * 3 + ["meeting"] * 3 + ["call"] * 3 + ["video"] * 2 + ["email"] * 3
        )
        for src, dst, _kind, strength, extra in TIES:
            if src not in PERSON or dst not in PERSON:
                continue
            if PERSON[src]["org"] == "hub" or PERSON[dst]["org"] == "hub":
                continue
            if "valid_to" in extra and date.fromisoformat(extra["valid_to"]) < REF:
                continue
            n = self.rng.choice([0, 1, 1, 2, 2, 3]) if strength >= 3 else self.rng.choice([0, 1, 1])
            keys = (TOPIC_KEYS.get(PERSON[src]["org"]) or TOPIC_KEYS.get(top_org(src)) or []) + (
                TOPIC_KEYS.get(PERSON[dst]["org"]) or TOPIC_KEYS.get(top_org(dst)) or []
            )
            for _ in range(n):
                ch = self.rng.choice(channels)
                self.add(
                    self.random_day(),
                    ch,
                    [src, dst],
                    self.summary(ch, self.topic(*keys)),
                    self.sentiment(1),
                )

    def scripted(self) -> None:
        """The contacts that carry the story's gaps."""
        a = self.add
        # Heronsgate: the managing director only hears from the team by letter and the odd call.
        a(
            date(2025, 6, 3),
            "face_to_face",
            ["p-hub-brennan", "p-hcg-barker"],
            "Introductory meeting on the discharge programme and care home capacity",
            0,
        )
        a(
            date(2025, 11, 4),
            "call",
            ["p-hub-brennan", "p-hcg-barker"],
            "Call inviting Heronsgate to join the discharge working group; declined for now",
            -1,
        )
        a(
            REF - timedelta(days=82),
            "letter",
            ["p-hub-okafor", "p-hcg-barker"],
            "Letter regarding care home fee uplift and the trusted assessor pilot",
            0,
        )
        a(
            date(2026, 2, 17),
            "email",
            ["p-wbc-osei", "p-hcg-barker", "p-hcg-obi"],
            "Email exchange on care home vacancies and admissions",
            0,
        )
        a(
            date(2025, 9, 9),
            "face_to_face",
            ["p-wbc-osei", "p-hcg-marsh"],
            "Contract monitoring visit at Heronsgate House",
            1,
        )
        a(
            date(2026, 9, 2),
            "face_to_face",
            ["p-wbc-osei", "p-hcg-marsh"],
            "Contract monitoring visit at Heronsgate House",
            1,
        )
        a(
            date(2026, 6, 3),
            "call",
            ["p-gpf-lewis", "p-glp-young"],
            "Call on Pharmacy First referrals from social prescribers",
            1,
        )
        a(
            date(2026, 3, 25),
            "email",
            ["p-icb-price", "p-glp-mistry"],
            "Email exchange on the hypertension case-finding service",
            None,
        )
        # DWP: every contact online or in writing.
        for d, ch, who, s in [
            (date(2025, 7, 10), "video", ["p-hub-rahman", "p-dwp-richards"], 1),
            (date(2025, 10, 21), "email", ["p-hub-rahman", "p-dwp-richards"], None),
            (date(2026, 1, 27), "video", ["p-hub-rahman", "p-dwp-richards", "p-adv-kelly"], 1),
            (date(2026, 5, 12), "call", ["p-hub-rahman", "p-dwp-richards"], 1),
            (date(2026, 7, 8), "video", ["p-hub-rahman", "p-hub-okafor", "p-dwp-richards"], 1),
            (date(2026, 9, 15), "email", ["p-hub-rahman", "p-dwp-richards", "p-cvs-hall"], None),
            (date(2026, 9, 22), "video", ["p-hub-mensah", "p-dwp-richards"], 1),
            (date(2026, 10, 13), "video", ["p-hub-rahman", "p-dwp-richards"], 1),
        ]:
            a(d, ch, who, self.summary(ch, self.topic("employment")), s)
        a(
            REF - timedelta(days=230),
            "letter",
            ["p-hub-okafor", "p-dwp-ross"],
            "Letter regarding the health and work partnership and a seat on the steering group",
            0,
        )
        a(
            date(2025, 8, 12),
            "face_to_face",
            ["p-dwp-karim", "p-adv-miah"],
            "Jobcentre outreach at the advice centre",
            1,
        )
        a(
            date(2026, 8, 18),
            "face_to_face",
            ["p-dwp-karim", "p-adv-miah", "p-fb-ogunleye"],
            "Jobcentre outreach at the food bank",
            1,
        )
        a(
            date(2026, 4, 21),
            "call",
            ["p-dwp-ross", "p-dwp-richards"],
            "Call on WorkWell referrals",
            None,
        )
        # OHID: the regional consultant is met online only.
        for d, ch, who in [
            (date(2025, 9, 23), "video", ["p-hub-nowak", "p-ohid-baker", "p-ph-nwosu"]),
            (date(2026, 1, 20), "email", ["p-hub-nowak", "p-ohid-baker"]),
            (
                date(2026, 6, 16),
                "video",
                ["p-hub-nowak", "p-hub-rahman", "p-ohid-baker", "p-ph-harding"],
            ),
            (
                date(2026, 8, 11),
                "video",
                ["p-hub-nowak", "p-hub-okafor", "p-ohid-baker", "p-ohid-kumar"],
            ),
            (date(2026, 9, 29), "video", ["p-hub-nowak", "p-hub-okafor", "p-ohid-baker"]),
            (date(2026, 10, 20), "email", ["p-hub-nowak", "p-ohid-kumar", "p-ph-lam"]),
        ]:
            a(d, ch, who, self.summary(ch, self.topic("data")), 1)
        # Police: the new area commander came to two boards and one one-to-one, then went quiet.
        a(
            date(2026, 6, 24),
            "face_to_face",
            ["p-hub-ellison", "p-avp-davies"],
            "Introductory meeting with the new area commander",
            1,
        )
        a(
            date(2026, 7, 2),
            "email",
            ["p-hub-rahman", "p-avp-davies", "p-avp-okonkwo"],
            "Shared briefing on street triage and Section 136 detentions",
            None,
        )
        a(
            REF - timedelta(days=72),
            "call",
            ["p-hub-okafor", "p-avp-davies"],
            "Call on the community safety partnership plan",
            0,
        )
        a(
            date(2026, 9, 30),
            "meeting",
            ["p-avp-davies", "p-avp-okonkwo", "p-fir-carter"],
            "Meeting on the community safety partnership plan",
            None,
        )
        # University: the PVC was last met in the spring.
        a(
            date(2025, 9, 16),
            "letter",
            ["p-hub-okafor", "p-uni-harrington"],
            "Letter regarding the research partnership memorandum of understanding",
            None,
        )
        a(
            date(2025, 11, 13),
            "face_to_face",
            ["p-hub-okafor", "p-hub-nowak", "p-uni-harrington", "p-uni-osullivan"],
            "Research partnership steering meeting",
            1,
        )
        a(
            date(2026, 2, 24),
            "video",
            ["p-hub-nowak", "p-uni-harrington"],
            "Video call: the NIHR bid on health inequalities",
            1,
        )
        a(
            REF - timedelta(days=124),
            "face_to_face",
            ["p-hub-nowak", "p-hub-okafor", "p-uni-harrington", "p-uni-zhang"],
            "Research partnership steering meeting: interim findings of the virtual ward "
            "evaluation",
            2,
        )
        a(
            date(2026, 9, 10),
            "meeting",
            ["p-uni-harrington", "p-uni-osullivan", "p-icb-bennett"],
            "Meeting on the applied research collaboration bid",
            1,
        )
        # Fire: only the station manager deals with the team; the area manager never has.
        a(
            date(2026, 2, 10),
            "meeting",
            ["p-fir-carter", "p-fir-bailey", "p-fir-nolan"],
            "Planning meeting: Safe and Well targeting for over-75s",
            None,
        )
        a(
            date(2026, 8, 26),
            "call",
            ["p-fir-carter", "p-avp-davies"],
            "Call on the hoarding and fire risk panel",
            None,
        )
        # Youth Collective: everything goes through Early Help.
        for d in (
            date(2025, 7, 2),
            date(2025, 11, 12),
            date(2026, 3, 4),
            date(2026, 7, 1),
            date(2026, 10, 7),
        ):
            a(
                d,
                "face_to_face",
                ["p-cs-begum", "p-yth-boateng", "p-yth-pearson"],
                self.summary("face_to_face", self.topic("youth")),
                1,
            )
        a(
            date(2026, 5, 13),
            "call",
            ["p-cs-begum", "p-yth-hassan"],
            "Call on young people's mental health and wellbeing",
            1,
        )
        # Marsh Lane: the resident engagement officer is the only link.
        for d in (date(2025, 10, 14), date(2026, 2, 3), date(2026, 6, 30), date(2026, 10, 6)):
            a(
                d,
                "face_to_face",
                ["p-wsh-akinola", "p-tra-lowe"],
                self.summary("face_to_face", self.topic("housing")),
                0,
            )
        a(
            date(2026, 3, 17),
            "meeting",
            ["p-wsh-akinola", "p-wsh-ferguson", "p-wsh-daly"],
            "Meeting on damp and mould referrals and their health impact",
            None,
        )
        a(
            date(2026, 8, 4),
            "face_to_face",
            ["p-wsh-akinola", "p-wsh-barnes"],
            "One-to-one on the Marsh Lane estate regeneration",
            1,
        )
        # The Polish association: warm once, now cold.
        a(
            date(2025, 5, 20),
            "meeting",
            ["p-ph-ali", "p-pol-zielinska", "p-pol-wisniewski"],
            "Community Champions induction session",
            2,
        )
        a(
            date(2025, 8, 12),
            "email",
            ["p-ph-ali", "p-pol-zielinska"],
            "Follow-up email on vaccination uptake in low-uptake wards",
            1,
        )
        # Social media: the engagement officer amplifies partners' campaigns.
        sm = [
            ("p-pv-baptiste", "voice"),
            ("p-cvs-kovacs", "vcs"),
            ("p-car-murphy", "carers"),
            ("p-om-ansah", "mental_health"),
            ("p-lei-ellis", "leisure"),
            ("p-fb-ogunleye", "cost_of_living"),
            ("p-pv-taylor", "voice"),
            ("p-cvs-hall", "prevention"),
            ("p-fir-bailey", "community_safety"),
            ("p-age-green", "frailty"),
            ("p-car-wood", "carers"),
            ("p-ph-ali", "prevention"),
        ]
        for pid, key in sm:
            a(
                self.random_day(5, 520),
                "social_media",
                ["p-hub-mensah", pid],
                self.summary("social_media", self.topic(key)),
                self.rng.choice([None, 1, 2]),
            )
        # Formal letters.
        a(
            date(2025, 7, 1),
            "letter",
            ["p-hub-ellison", "p-wbc-hussain"],
            "Letter regarding the Health and Wellbeing Board's endorsement of the joint forward "
            "plan",
            None,
        )
        a(
            date(2026, 4, 2),
            "letter",
            ["p-hub-okafor", "p-icb-mahmood", "p-wbc-achebe"],
            "Letter regarding year-end BCF reconciliation and the pooled budget underspend",
            0,
        )
        a(
            date(2025, 12, 10),
            "letter",
            ["p-hub-ellison", "p-acu-fraser"],
            "Letter regarding winter funding allocation",
            0,
        )
        a(
            date(2026, 1, 14),
            "letter",
            ["p-hub-okafor", "p-col-lane"],
            "Letter regarding T-level placements in care settings",
            None,
        )
        # The chief operating officer: frequent and often difficult.
        for d, ch, s, text in [
            (date(2025, 8, 6), "meeting", -1, "Escalation meeting on delayed discharges"),
            (
                date(2025, 12, 3),
                "face_to_face",
                -1,
                "One-to-one on the discharge-to-assess model and risk to flow",
            ),
            (date(2026, 3, 19), "call", 0, "Call on bridging care capacity"),
            (
                date(2026, 9, 9),
                "meeting",
                -1,
                "Meeting on winter funding allocation: disagreement on community investment",
            ),
            (
                REF - timedelta(days=13),
                "face_to_face",
                0,
                "One-to-one on the trusted assessor pilot results",
            ),
        ]:
            a(
                d,
                ch,
                ["p-hub-brennan", "p-acu-wright"] + (["p-hub-okafor"] if ch == "meeting" else []),
                text,
                s,
            )

    # -- top-up passes ---------------------------------------------------------------------------

    def top_up(self, stakeholders: list[dict]) -> None:
        """Give everyone not meant to show a contact gap recent and in-person contact."""
        core = set(HUB_MEMBERS) | {"hub"}
        direct_people = [p for p in PEOPLE if p["org"] != "hub"]

        def contact_dates(pid):
            last = None
            last_ip = None
            for e in self.engagements:
                ps = e["participants"]
                if pid in ps and len(ps) <= MAX_PARTICIPANTS and core & set(ps):
                    if last is None or e["occurred_on"] > last:
                        last = e["occurred_on"]
                    if e["channel"] in IN_PERSON and (
                        last_ip is None or e["occurred_on"] > last_ip
                    ):
                        last_ip = e["occurred_on"]
            return last, last_ip

        for p in direct_people:
            pid = p["id"]
            if pid in NO_CORE_CONTACT or pid in STALE:
                continue
            q = quadrant(p.get("influence"), p.get("interest"))
            last, last_ip = contact_dates(pid)
            if last is None and q == "monitor":
                continue
            team = (
                p.get("liaison")
                or LIAISONS.get(p["org"])
                or LIAISONS.get(top_org(pid))
                or ["p-hub-rahman"]
            )
            who = p.get("owner") or team[0]
            keys = TOPIC_KEYS.get(p["org"]) or TOPIC_KEYS.get(top_org(pid)) or ["governance"]
            cadence = CADENCE[q]
            if last is None or (REF - last).days > cadence - 3:
                ch = self.rng.choice(["face_to_face", "meeting", "call", "face_to_face"])
                day = REF - timedelta(days=self.rng.randint(4, max(5, cadence - 10)))
                self.add(
                    day, ch, [who, pid], self.summary(ch, self.topic(*keys)), self.sentiment(1)
                )
                last, last_ip = contact_dates(pid)
            if last_ip is None or (REF - last_ip).days > 180:
                ch = self.rng.choice(["face_to_face", "meeting"])
                day = REF - timedelta(days=self.rng.randint(10, 170))
                self.add(
                    day, ch, [who, pid], self.summary(ch, self.topic(*keys)), self.sentiment(1)
                )

    # -- output ----------------------------------------------------------------------------------

    def document(self) -> dict:
        stakeholders = [dict(HUB)]
        for oid, name, sector, infl, intr, eng, des, owner, _dom, notes, tags in ORGS:
            s = {
                "external_id": oid,
                "kind": "organisation",
                "name": name,
                "sector": sector,
                "influence": infl,
                "interest": intr,
                "engagement": eng,
                "desired_engagement": des,
            }
            if owner:
                s["owner"] = owner
            if notes:
                s["notes"] = notes
            if tags:
                s["tags"] = tags
            stakeholders.append(s)
        for gid, name, org, sector, infl, intr, eng, des, owner, notes, tags in GROUPS:
            s = {"external_id": gid, "kind": "group", "name": name}
            if org:
                s["organisation"] = org
            if sector:
                s["sector"] = sector
            s.update(
                {"influence": infl, "interest": intr, "engagement": eng, "desired_engagement": des}
            )
            if owner:
                s["owner"] = owner
            if notes:
                s["notes"] = notes
            if tags:
                s["tags"] = tags
            stakeholders.append(s)
        for p in PEOPLE:
            s = {
                "external_id": p["id"],
                "kind": "person",
                "name": p["name"],
                "organisation": p["org"],
                "role": p["role"],
                "seniority": p["seniority"],
            }
            if p.get("sector"):
                s["sector"] = p["sector"]
            for key, out in (
                ("influence", "influence"),
                ("interest", "interest"),
                ("engagement", "engagement"),
                ("desired", "desired_engagement"),
                ("owner", "owner"),
            ):
                if p.get(key) is not None:
                    s[out] = p[key]
            mail = email_for(p)
            if mail:
                s["email"] = mail
            if p.get("notes"):
                s["notes"] = p["notes"]
            if p.get("tags"):
                s["tags"] = p["tags"]
            if p.get("contact_permitted") is False:
                s["contact_permitted"] = False
            stakeholders.append(s)

        ties = []
        for p in PEOPLE:
            if p.get("mgr"):
                ties.append(
                    (
                        p["id"],
                        p["mgr"],
                        "reports_to",
                        4 if PERSON[p["mgr"]]["seniority"] != "executive" else 3,
                        {},
                    )
                )
        ties += TIES
        for oid, *_ in ORGS:
            if oid == "org-polish":
                continue
            lead = (
                "p-dwp-richards"
                if oid == "org-dwp"
                else next(
                    p["id"]
                    for p in PEOPLE
                    if p["org"] == oid
                    and p["seniority"] in TOP_LEVEL
                    and (not p.get("mgr") or PERSON[p["mgr"]]["org"] != oid)
                )
            )
            note = "Named partnership contact." if oid == "org-dwp" else "Accountable lead."
            ties.append((lead, oid, "collaborates", 4, {"notes": note}))
        for gid in ("g-council-asc", "g-council-cs", "g-council-ph"):
            ties.append((gid, "org-council", "reports_to", 5, {}))
        tie_records = []
        for i, (src, dst, kind, strength, extra) in enumerate(ties, 1):
            t = {
                "external_id": f"t-{i:03d}",
                "source": src,
                "target": dst,
                "kind": kind,
                "directed": kind in DIRECTED_BY_DEFAULT,
                "strength": strength,
            }
            for key in ("valid_from", "valid_to", "notes"):
                if key in extra:
                    t[key] = extra[key]
            tie_records.append(t)

        engagements = sorted(self.engagements, key=lambda e: (e["occurred_on"], e["summary"]))
        records = []
        for i, e in enumerate(engagements, 1):
            r = {
                "external_id": f"e-{i:04d}",
                "occurred_on": iso(e["occurred_on"]),
                "channel": e["channel"],
                "participants": e["participants"],
                "summary": e["summary"],
            }
            if e.get("sentiment") is not None:
                r["sentiment"] = e["sentiment"]
            records.append(r)
        return {
            "format": "stakemap/v1",
            "exported_on": iso(REF),
            "partnership": {
                "name": "Wrenmouth Health and Care Partnership",
                "description": (
                    "Demo partnership: the integrated health and social care partnership of the "
                    "(fictional) Borough of Wrenmouth - council, NHS, voluntary sector, police, "
                    "housing, education, central government, providers and service users, with 18 "
                    "months of engagement history. All people and organisations are invented."
                ),
            },
            "stakeholders": stakeholders,
            "ties": tie_records,
            "engagements": records,
        }

    def build(self) -> dict:
        self.schedules()
        self.scripted()
        self.one_to_ones()
        self.partner_contacts()
        self.events()
        doc = self.document()
        self.top_up(doc["stakeholders"])
        self.bulletins()
        return self.document()


def quadrant(influence, interest) -> str:
    hi_i = influence is not None and influence >= 4
    hi_t = interest is not None and interest >= 4
    if hi_i and hi_t:
        return "key_player"
    if hi_i:
        return "keep_satisfied"
    if hi_t:
        return "keep_informed"
    return "monitor"


def dump(doc: dict) -> str:
    """Pretty-print with one record per line, so diffs stay readable."""
    out = ["{"]
    keys = list(doc)
    for n, key in enumerate(keys):
        comma = "," if n < len(keys) - 1 else ""
        value = doc[key]
        if isinstance(value, list):
            out.append(f" {json.dumps(key)}: [")
            for i, rec in enumerate(value):
                sep = "," if i < len(value) - 1 else ""
                out.append("  " + json.dumps(rec, ensure_ascii=False) + sep)
            out.append(" ]" + comma)
        else:
            out.append(f" {json.dumps(key)}: {json.dumps(value, ensure_ascii=False)}{comma}")
    out.append("}")
    return "\n".join(out) + "\n"


# ------------------------------------------------------------------------------------------------
# Checker
# ------------------------------------------------------------------------------------------------

ALLOWED = {
    "top": {"format", "exported_on", "partnership", "stakeholders", "ties", "engagements"},
    "stakeholder": {
        "external_id",
        "kind",
        "name",
        "organisation",
        "sector",
        "role",
        "seniority",
        "influence",
        "interest",
        "engagement",
        "desired_engagement",
        "owner",
        "email",
        "notes",
        "tags",
        "contact_permitted",
    },
    "tie": {
        "external_id",
        "source",
        "target",
        "kind",
        "directed",
        "strength",
        "valid_from",
        "valid_to",
        "notes",
    },
    "engagement": {"external_id", "occurred_on", "channel", "participants", "summary", "sentiment"},
}


def validate(doc: dict) -> list[str]:
    errors: list[str] = []

    def err(loc, msg):
        errors.append(f"{loc}: {msg}")

    def no_nulls(obj, loc):
        if obj is None:
            err(loc, "null value")
        elif isinstance(obj, dict):
            for k, v in obj.items():
                no_nulls(v, f"{loc}.{k}")
        elif isinstance(obj, list):
            for i, v in enumerate(obj):
                no_nulls(v, f"{loc}[{i}]")

    no_nulls(doc, "$")
    if set(doc) - ALLOWED["top"]:
        err("$", f"unknown keys {set(doc) - ALLOWED['top']}")
    if doc.get("format") != "stakemap/v1":
        err("format", "must be stakemap/v1")
    try:
        date.fromisoformat(doc["exported_on"])
    except Exception:
        err("exported_on", "not a date")
    pname = doc.get("partnership", {}).get("name", "")
    if not 1 <= len(pname) <= 200:
        err("partnership.name", "length")

    ids: set[str] = set()
    kinds: dict[str, str] = {}
    hubs = 0
    for i, s in enumerate(doc["stakeholders"]):
        loc = f"stakeholders[{i}]"
        if set(s) - ALLOWED["stakeholder"]:
            err(loc, f"unknown keys {set(s) - ALLOWED['stakeholder']}")
        kind = s.get("kind")
        if kind not in ("hub", "organisation", "person", "group"):
            err(loc, f"bad kind {kind}")
        if kind == "hub":
            hubs += 1
            if "external_id" in s:
                err(loc, "hub has an external_id")
            kinds["hub"] = "hub"
        else:
            x = s.get("external_id")
            if not x:
                err(loc, "missing external_id")
            elif x in ids or x == "hub":
                err(loc, f"duplicate external_id {x}")
            ids.add(x)
            kinds[x] = kind
        if not isinstance(s.get("name"), str) or not 1 <= len(s["name"]) <= 200:
            err(loc, "name length")
    if hubs != 1:
        err("stakeholders", f"{hubs} hubs")
    by_id = {s.get("external_id", "hub"): s for s in doc["stakeholders"]}
    hub_members = {
        x for x, s in by_id.items() if s["kind"] == "person" and s.get("organisation") == "hub"
    }
    for i, s in enumerate(doc["stakeholders"]):
        loc = f"stakeholders[{i}]"
        kind = s["kind"]
        org = s.get("organisation")
        if kind in ("organisation", "hub") and org is not None:
            err(loc, "an organisation has no organisation")
        if org is not None and (org not in kinds or kinds[org] == "person"):
            err(loc, f"bad organisation {org}")
        if kind in ("person", "group") and org is not None:  # no cycles
            seen = {s.get("external_id")}
            cur = org
            while cur is not None and cur != "hub":
                if cur in seen:
                    err(loc, "organisation cycle")
                    break
                seen.add(cur)
                cur = by_id.get(cur, {}).get("organisation")
        if "sector" in s:
            if s["sector"] not in SECTORS:
                err(loc, f"bad sector {s['sector']}")
            if (
                kind in ("person", "group")
                and org is not None
                and effective_sector(by_id, org) == s["sector"]
            ):
                err(loc, "sector repeats its organisation's")
        elif kind == "organisation":
            err(loc, "organisation without sector")
        if kind == "person":
            if s.get("seniority") not in SENIORITIES:
                err(loc, "bad seniority")
        elif "seniority" in s or "role" in s:
            err(loc, "role/seniority on a non-person")
        for f in ("influence", "interest"):
            if f in s and (type(s[f]) is not int or not 1 <= s[f] <= 5):
                err(loc, f"bad {f}")
        for f in ("engagement", "desired_engagement"):
            if f in s and s[f] not in LEVELS:
                err(loc, f"bad {f}")
        if "owner" in s and s["owner"] not in hub_members:
            err(loc, f"owner {s['owner']} is not a hub member")
        if len(s.get("notes", "")) > 10000:
            err(loc, "notes too long")
        tags = s.get("tags", [])
        if len(tags) > 50 or any(not isinstance(t, str) or not 1 <= len(t) <= 50 for t in tags):
            err(loc, "bad tags")
        if "contact_permitted" in s and type(s["contact_permitted"]) is not bool:
            err(loc, "contact_permitted not bool")
        if "email" in s:
            e = s["email"]
            if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", e):
                err(loc, f"bad email {e}")
            dom = e.split("@")[1]
            if not (
                dom.endswith(".example")
                or dom == "example.org"
                or dom == "example.net"
                or dom == "example.com"
                or re.search(r"\.example\.(org|com|net)$", dom)
            ):
                err(loc, f"non-example email domain {dom}")
    all_refs = set(kinds)
    for i, t in enumerate(doc["ties"]):
        loc = f"ties[{i}]"
        if set(t) - ALLOWED["tie"]:
            err(loc, f"unknown keys {set(t) - ALLOWED['tie']}")
        x = t.get("external_id")
        if not x or x in ids:
            err(loc, f"duplicate or missing external_id {x}")
        ids.add(x)
        if t["source"] not in all_refs or t["target"] not in all_refs:
            err(loc, "unknown source/target")
        if t["source"] == t["target"]:
            err(loc, "self-tie")
        if t["kind"] not in TIE_KINDS:
            err(loc, "bad kind")
        if type(t.get("directed")) is not bool:
            err(loc, "directed not bool")
        if type(t.get("strength")) is not int or not 1 <= t["strength"] <= 5:
            err(loc, "bad strength")
        try:
            vf = date.fromisoformat(t["valid_from"]) if "valid_from" in t else None
            vt = date.fromisoformat(t["valid_to"]) if "valid_to" in t else None
            if vf and vt and vf > vt:
                err(loc, "valid_from after valid_to")
        except ValueError:
            err(loc, "bad date")
    for i, e in enumerate(doc["engagements"]):
        loc = f"engagements[{i}]"
        if set(e) - ALLOWED["engagement"]:
            err(loc, f"unknown keys {set(e) - ALLOWED['engagement']}")
        x = e.get("external_id")
        if not x or x in ids:
            err(loc, f"duplicate or missing external_id {x}")
        ids.add(x)
        try:
            date.fromisoformat(e["occurred_on"])
        except Exception:
            err(loc, "bad date")
        if e["channel"] not in CHANNEL_WEIGHTS:
            err(loc, "bad channel")
        ps = e["participants"]
        if len(set(ps)) < 2 or len(set(ps)) != len(ps):
            err(loc, "needs >= 2 distinct participants (no repeats)")
        if any(p not in all_refs for p in ps):
            err(loc, "unknown participant")
        if "sentiment" in e and (type(e["sentiment"]) is not int or not -2 <= e["sentiment"] <= 2):
            err(loc, "bad sentiment")
        if not isinstance(e.get("summary", ""), str):
            err(loc, "summary not a string")
    return errors


def effective_sector(by_id: dict, sid: str | None) -> str | None:
    seen = set()
    while sid is not None and sid not in seen:
        seen.add(sid)
        s = by_id.get(sid)
        if s is None:
            return None
        if "sector" in s:
            return s["sector"]
        sid = s.get("organisation")
    return None


class Analysis:
    """SPEC §3-§5 as of exported_on, standard library only."""

    def __init__(self, doc: dict, as_of: date | None = None) -> None:
        self.doc = doc
        self.ref = as_of or date.fromisoformat(doc["exported_on"])
        self.by_id = {s.get("external_id", "hub"): s for s in doc["stakeholders"]}
        self.nodes = list(self.by_id)
        self.core = {"hub"} | {
            x
            for x, s in self.by_id.items()
            if s["kind"] == "person" and s.get("organisation") == "hub"
        }
        self.outside = [v for v in self.nodes if v not in self.core]
        # tie strength
        best: dict[frozenset, int] = {}
        for t in doc["ties"]:
            vf = date.fromisoformat(t["valid_from"]) if "valid_from" in t else None
            vt = date.fromisoformat(t["valid_to"]) if "valid_to" in t else None
            if (vf and vf > self.ref) or (vt and vt < self.ref):
                continue
            key = frozenset((t["source"], t["target"]))
            best[key] = max(best.get(key, 0), t["strength"])
        miss: dict[frozenset, float] = defaultdict(lambda: 1.0)
        self.past = []
        for e in doc["engagements"]:
            day = date.fromisoformat(e["occurred_on"])
            if day > self.ref:
                continue
            self.past.append((day, e))
            ps = sorted(set(e["participants"]))
            k = len(ps)
            if k < 2 or k > MAX_PARTICIPANTS:
                continue
            x = CHANNEL_WEIGHTS[e["channel"]] * 0.5 ** ((self.ref - day).days / HALF_LIFE) / (k - 1)
            for u, v in combinations(ps, 2):
                miss[frozenset((u, v))] *= 1 - min(x, 1.0)
        self.strength = {}
        for key in set(best) | set(miss):
            s = 1 - (1 - best.get(key, 0) / 5) * miss.get(key, 1.0)
            if s >= ACTIVE - 1e-12:
                self.strength[key] = s
        self.adj: dict[str, set[str]] = defaultdict(set)
        for key in self.strength:
            u, v = tuple(key)
            self.adj[u].add(v)
            self.adj[v].add(u)
        self.tier = self.bfs(set())
        # organisation membership (through groups) and groups
        self.org_of = {v: self.group_label(v) for v in self.nodes}
        self.members: dict[str, list[str]] = defaultdict(list)
        for v, g in self.org_of.items():
            if g.startswith("org-") and g != v:
                self.members[g].append(v)
        self.sector = {
            v: ("hub" if self.org_of[v] == "hub" else effective_sector(self.by_id, v) or "none")
            for v in self.nodes
        }

    def group_label(self, v: str) -> str:
        s = self.by_id[v]
        if v == "hub":
            return "hub"
        if s["kind"] == "organisation":
            return v
        seen = {v}
        top = v
        cur = s.get("organisation")
        while cur is not None and cur not in seen:
            if cur == "hub":
                return "hub"
            if self.by_id[cur]["kind"] == "organisation":
                return cur
            seen.add(cur)
            top = cur
            cur = self.by_id[cur].get("organisation")
        return "node:" + top

    def bfs(self, removed: set[str]) -> dict[str, int]:
        tier = {c: 0 for c in self.core if c not in removed}
        queue = deque(tier)
        while queue:
            u = queue.popleft()
            for w in self.adj[u]:
                if w not in tier and w not in removed:
                    tier[w] = tier[u] + 1
                    queue.append(w)
        return tier

    def org_tier(self, v: str):
        ts = [self.tier[m] for m in [v] + self.members.get(v, []) if m in self.tier]
        return min(ts) if ts else None

    def quadrant(self, v):
        s = self.by_id[v]
        return quadrant(s.get("influence"), s.get("interest"))

    # -- contact (engagements with a core participant and at most 50 participants) ---------------
    def contacts(self):
        last, last_ip, recent, recent_ch, direct = {}, {}, Counter(), defaultdict(set), set()
        for day, e in self.past:
            ps = set(e["participants"])
            if len(ps) > MAX_PARTICIPANTS or not ps & self.core:
                continue
            reached = set()
            for p in ps - self.core:
                direct.add(p)
                reached.add(p)
                cur = self.by_id[p].get("organisation")
                seen = {p}
                while cur is not None and cur not in self.core and cur not in seen:
                    reached.add(cur)
                    seen.add(cur)
                    cur = self.by_id[cur].get("organisation")
            for v in reached:
                if v not in last or day > last[v]:
                    last[v] = day
                if e["channel"] in IN_PERSON and (v not in last_ip or day > last_ip[v]):
                    last_ip[v] = day
                if (self.ref - day).days <= 180:
                    recent[v] += 1
                    recent_ch[v].add(e["channel"])
        return last, last_ip, recent, recent_ch, direct

    def gaps(self) -> dict[str, list]:
        out: dict[str, list] = defaultdict(list)
        lv = {x: i for i, x in enumerate(LEVELS)}
        for v in self.outside:
            s = self.by_id[v]
            infl = s.get("influence") or 0
            if "engagement" in s and "desired_engagement" in s:
                gap = lv[s["desired_engagement"]] - lv[s["engagement"]]
                if gap >= 1:
                    sev = (
                        "high"
                        if gap >= 2 and infl >= 4
                        else ("medium" if gap >= 2 or infl >= 4 else "low")
                    )
                    out["engagement_gap"].append(
                        (sev, v, f"{s['engagement']}->{s['desired_engagement']} infl={infl}")
                    )
            q = self.quadrant(v)
            if q == "key_player" and lv.get(s.get("engagement"), 0) <= lv["neutral"]:
                out["key_player_unengaged"].append(("high", v, s.get("engagement", "unrecorded")))
            if q in ("key_player", "keep_satisfied") and s.get("owner") not in self.core:
                out["no_owner"].append((q, v, f"infl={infl}"))
            t = self.org_tier(v) if s["kind"] == "organisation" else self.tier.get(v)
            if t is None or t > 3:
                out["unreached"].append(("", v, f"tier={t}"))
        last, last_ip, recent, recent_ch, direct = self.contacts()
        for v in self.outside:
            q = self.quadrant(v)
            if q == "monitor" and v not in direct:
                continue
            age = (self.ref - last[v]).days if v in last else None
            if age is None or age > CADENCE[q]:
                out["stale_contact"].append((q, v, f"last={age} days, cadence {CADENCE[q]}"))
            if recent[v] and v not in last_ip:
                out["no_face_to_face"].append((q, v, ",".join(sorted(recent_ch[v]))))
        base = set(self.tier)
        for v in self.nodes:
            if v == "hub":
                continue
            after = self.bfs({v})
            lost = sorted(x for x in base - set(after) if x != v)
            if lost:
                out["single_point_of_failure"].append((len(lost), v, lost))
        for org in [v for v in self.outside if self.by_id[v]["kind"] == "organisation"]:
            staff = self.members.get(org, [])
            threads = [m for m in staff if self.adj[m] & self.core]
            if len(threads) == 1:
                out["single_threaded_organisation"].append(("", org, threads))
            people = [m for m in staff if self.by_id[m]["kind"] == "person"]
            first = [m for m in people if self.tier.get(m) == 1]
            top = [m for m in first if self.by_id[m]["seniority"] in TOP_LEVEL]
            if first and not top:
                out["leadership_not_engaged"].append(("", org, first))
        # isolated sector
        for variant in ("hub ties count as external", "ties to the core ignored"):
            for sec, (ei, share, core_share, _n) in self.sectors(variant).items():
                flags = []
                if ei is not None and ei < -0.5:
                    flags.append(f"E-I {ei:.2f}")
                if core_share < share / 2:
                    flags.append(f"core-tie share {core_share:.3f} < half of {share:.3f}")
                if flags:
                    out["isolated_sector"].append((variant, sec, "; ".join(flags)))
        return out

    def sectors(self, variant: str):
        ext, inn = Counter(), Counter()
        core_ties = Counter()
        boundary = 0
        for key in self.strength:
            u, v = tuple(key)
            su, sv = self.sector[u], self.sector[v]
            if (u in self.core) != (v in self.core):
                boundary += 1
                core_ties[sv if u in self.core else su] += 1
            if variant == "ties to the core ignored" and "hub" in (su, sv):
                continue
            if su == sv:
                inn[su] += 1
            else:
                ext[su] += 1
                ext[sv] += 1
        counts = Counter(self.sector[v] for v in self.outside)
        total = len(self.outside)
        res = {}
        for sec in SECTORS:
            if not counts[sec]:
                continue
            tot = ext[sec] + inn[sec]
            ei = (ext[sec] - inn[sec]) / tot if tot else None
            res[sec] = (
                ei,
                counts[sec] / total,
                core_ties[sec] / boundary if boundary else 0,
                counts[sec],
            )
        return res


def check(path: Path, as_of: date | None = None) -> int:
    doc = json.loads(path.read_text(encoding="utf-8"))
    errors = validate(doc)
    print(f"{path.name}: {path.stat().st_size / 1024:.0f} KiB")
    if errors:
        print(f"{len(errors)} FORMAT ERRORS")
        for e in errors[:50]:
            print("  ", e)
    else:
        print("format: OK")
    kinds = Counter(s["kind"] for s in doc["stakeholders"])
    print("stakeholders:", dict(kinds), "total", sum(kinds.values()))
    print("ties:", len(doc["ties"]), dict(Counter(t["kind"] for t in doc["ties"])))
    chans = Counter(e["channel"] for e in doc["engagements"])
    print("engagements:", len(doc["engagements"]), dict(chans.most_common()))
    sizes = Counter(len(e["participants"]) for e in doc["engagements"])
    print("participants per engagement:", dict(sorted(sizes.items())))
    days = sorted(e["occurred_on"] for e in doc["engagements"])
    print("dates:", days[0], "to", days[-1], "(exported_on", doc["exported_on"] + ")")
    print("sentiment:", dict(Counter(e.get("sentiment") for e in doc["engagements"])))

    an = Analysis(doc, as_of)
    print(f"\nanalysis as of {an.ref}")
    name = {v: an.by_id[v]["name"] for v in an.nodes}
    print(
        f"\nactive ties: {len(an.strength)}; core ties:",
        sum(1 for k in an.strength if len(k & an.core) == 1),
    )
    tiers = Counter(an.tier.get(v) for v in an.outside)
    print(
        "tiers (outside core):",
        dict(sorted(tiers.items(), key=lambda x: (x[0] is None, x[0] or 0))),
    )
    print(
        "organisation tiers:",
        {o[4:]: an.org_tier(o) for o in an.outside if an.by_id[o]["kind"] == "organisation"},
    )
    print(
        "bus factors:",
        {
            o[4:]: sum(1 for m in an.members.get(o, []) if an.adj[m] & an.core)
            for o in an.outside
            if an.by_id[o]["kind"] == "organisation"
        },
    )
    infl4 = [v for v in an.outside if (an.by_id[v].get("influence") or 0) >= 4]
    print(
        f"key-player coverage (tier<=2): "
        f"{sum(1 for v in infl4 if an.tier.get(v, 99) <= 2)}/{len(infl4)}"
    )
    for variant in ("hub ties count as external", "ties to the core ignored"):
        print(
            f"sectors ({variant}): "
            + ", ".join(
                f"{sec}: E-I {ei if ei is None else round(ei, 2)} n={n} share={share:.2f} "
                f"core={cs:.2f}"
                for sec, (ei, share, cs, n) in an.sectors(variant).items()
            )
        )
    gaps = an.gaps()
    print()
    rules = [
        "engagement_gap",
        "key_player_unengaged",
        "unreached",
        "stale_contact",
        "no_face_to_face",
        "single_point_of_failure",
        "single_threaded_organisation",
        "leadership_not_engaged",
        "no_owner",
        "isolated_sector",
    ]
    missing = []
    for rule in rules:
        found = gaps.get(rule, [])
        print(f"== {rule}: {len(found)}")
        if not found:
            missing.append(rule)
        for a, v, detail in sorted(found, key=lambda x: str(x[0])):
            label = name.get(v, v)
            if rule == "single_point_of_failure":
                detail = f"{a} dependants: " + ", ".join(name[x] for x in detail)
                a = ""
            elif isinstance(detail, list):
                detail = ", ".join(name[x] for x in detail)
            print(f"   {a:>14} {label} [{v}] {detail}")
    if not any(a == "high" for a, _, _ in gaps.get("engagement_gap", [])):
        missing.append("engagement_gap (high)")
    if missing:
        print("\nMISSING RULES:", missing)
    return 1 if errors or missing else 0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--check", action="store_true", help="validate demo.json and list its gaps")
    ap.add_argument(
        "--as-of",
        type=date.fromisoformat,
        default=None,
        help="with --check: analyse as of this date instead of exported_on",
    )
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args(argv)
    if args.check:
        return check(args.out, args.as_of)
    doc = Builder().build()
    errors = validate(doc)
    if errors:
        print("\n".join(errors[:50]), file=sys.stderr)
        return 1
    args.out.write_text(dump(doc), encoding="utf-8")
    print(
        f"wrote {args.out} ({len(doc['stakeholders'])} stakeholders, {len(doc['ties'])} ties, "
        f"{len(doc['engagements'])} engagements)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
