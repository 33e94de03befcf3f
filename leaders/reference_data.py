"""What leaders can choose from, and the training curriculum, as the
programme started with them. Coordinators can edit all three in the back
office.

Used by the data migration, with its historical models, and by tests that run
after a database flush. Loading again creates nothing twice."""

INTERESTS = [
    ("sharing-my-story", "Sharing my story"),
    ("training-council-staff", "Training council staff"),
    ("training-citizens", "Training citizens"),
    ("peer-support", "Peer support"),
    ("planning-events", "Planning events"),
    ("attending-meetings", "Attending meetings"),
]

SKILLS = [
    ("public-speaking", "Public speaking"),
    ("training-and-teaching", "Training and teaching"),
    ("listening-and-mentoring", "Listening and mentoring"),
    ("writing", "Writing"),
    ("chairing-meetings", "Chairing meetings"),
    ("organising-events", "Organising events"),
    ("using-computers-and-online-meetings", "Using computers and online meetings"),
    ("british-sign-language", "British Sign Language"),
    ("other-languages", "Languages other than English"),
]

# (slug, title, description, required)
MODULES = [
    (
        "social-model-of-disability",
        "The social model of disability",
        "Why disability is caused by barriers in society, and how to remove them.",
        True,
    ),
    (
        "history-of-self-directed-support",
        "The history of self-directed support and the Independent Living Movement",
        "How disabled people won choice and control over their support.",
        True,
    ),
    (
        "policy-behind-personalisation",
        "The public policy behind personalisation",
        "The laws and policies that ask councils to give people choice and control.",
        True,
    ),
    (
        "tools-of-self-directed-support",
        "The tools of self-directed support",
        "Personal budgets, direct payments and support planning, and how they work.",
        True,
    ),
    (
        "sharing-your-story-safely",
        "Sharing your story safely",
        "How to tell your own story in a way that is powerful and keeps you safe.",
        True,
    ),
    (
        "delivering-training",
        "Delivering training",
        "How to plan and deliver training to council staff and citizens.",
        False,
    ),
    (
        "being-a-critical-friend",
        "Being a critical friend in meetings",
        "How to ask hard questions in meetings and help councils change.",
        True,
    ),
    (
        "peer-support",
        "Peer support",
        "How to support other people who use social care, as someone who does too.",
        False,
    ),
    (
        "safeguarding-and-confidentiality",
        "Safeguarding and confidentiality",
        "How to keep people safe and their information private.",
        True,
    ),
]


def load_choices_and_curriculum(interest_model, skill_model, module_model):
    for position, (slug, name) in enumerate(INTERESTS, start=1):
        interest_model.objects.get_or_create(
            slug=slug, defaults={"name": name, "position": position}
        )
    for position, (slug, name) in enumerate(SKILLS, start=1):
        skill_model.objects.get_or_create(slug=slug, defaults={"name": name, "position": position})
    for position, (slug, title, description, required) in enumerate(MODULES, start=1):
        module_model.objects.get_or_create(
            slug=slug,
            defaults={
                "title": title,
                "description": description,
                "is_required": required,
                "position": position,
            },
        )
