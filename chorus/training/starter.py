"""The starter modules every organisation may add, as translatable text.

Their text lives here rather than in the database so that each member reads it in
their own language; an organisation that edits a starter object keeps its own words.
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class StarterChoice:
    key: str
    text: Promise
    correct: bool = False


@dataclass(frozen=True)
class StarterQuestion:
    key: str
    text: Promise
    choices: tuple[StarterChoice, ...]


@dataclass(frozen=True)
class StarterLesson:
    key: str
    title: Promise
    body: Promise


@dataclass(frozen=True)
class StarterModule:
    key: str
    title: Promise
    description: Promise
    lessons: tuple[StarterLesson, ...]
    questions: tuple[StarterQuestion, ...]


ADVOCACY_BASICS = StarterModule(
    key="advocacy_basics",
    title=_("Advocacy basics"),
    description=_(
        "What the advocacy programme is, how to show that you work here, why your own voice "
        "matters, and what you never share."
    ),
    lessons=(
        StarterLesson(
            key="advocacy_basics.programme",
            title=_("What the programme is"),
            body=_(
                "Colleagues suggest things worth sharing: news, articles, job openings. "
                "**You decide** whether, where and in which words to share them.\n\n"
                "- Taking part is voluntary, and you can leave at any time.\n"
                "- Nothing is posted that you did not read and approve yourself.\n"
                "- Start small: like or repost, then share with a sentence of your own."
            ),
        ),
        StarterLesson(
            key="advocacy_basics.disclosure",
            title=_("Disclosure and your own voice"),
            body=_(
                "When you post about your employer, say that you work here, for example with "
                "the disclosure tag your organisation uses. Readers have a right to know.\n\n"
                "Write in **your own words**. Identical messages from many accounts look fake, "
                "break the networks' rules and earn no real attention. Add what *you* find "
                "interesting, and label personal opinions as your own."
            ),
        ),
        StarterLesson(
            key="advocacy_basics.never",
            title=_("What never to share"),
            body=_(
                "Never share:\n\n"
                "- confidential information: unreleased products, figures, code names, "
                "customers' names unless they are public;\n"
                "- other people's personal data, such as colleagues' or customers' contact "
                "details;\n"
                "- anything that harasses, discriminates or states something false.\n\n"
                "When in doubt, leave it out and ask."
            ),
        ),
    ),
    questions=(
        StarterQuestion(
            key="advocacy_basics.q_voluntary",
            text=_("Do you have to take part in the advocacy programme?"),
            choices=(
                StarterChoice("advocacy_basics.q_voluntary.a", _("Yes, everyone must post")),
                StarterChoice(
                    "advocacy_basics.q_voluntary.b",
                    _("No, it is voluntary and I can leave at any time"),
                    correct=True,
                ),
                StarterChoice(
                    "advocacy_basics.q_voluntary.c", _("Only if I have a LinkedIn account")
                ),
            ),
        ),
        StarterQuestion(
            key="advocacy_basics.q_disclosure",
            text=_("What should a post about your employer show?"),
            choices=(
                StarterChoice(
                    "advocacy_basics.q_disclosure.a", _("That I work there"), correct=True
                ),
                StarterChoice(
                    "advocacy_basics.q_disclosure.b",
                    _("What I think, in my own words"),
                    correct=True,
                ),
                StarterChoice(
                    "advocacy_basics.q_disclosure.c",
                    _("Exactly the same text as my colleagues"),
                ),
            ),
        ),
        StarterQuestion(
            key="advocacy_basics.q_never",
            text=_("Which of these must you never share?"),
            choices=(
                StarterChoice(
                    "advocacy_basics.q_never.a",
                    _("The code name of an unreleased product"),
                    correct=True,
                ),
                StarterChoice(
                    "advocacy_basics.q_never.b",
                    _("A customer's phone number"),
                    correct=True,
                ),
                StarterChoice(
                    "advocacy_basics.q_never.c",
                    _("A press release the company has published"),
                ),
            ),
        ),
        StarterQuestion(
            key="advocacy_basics.q_approve",
            text=_("When does Chorus post on your account?"),
            choices=(
                StarterChoice(
                    "advocacy_basics.q_approve.a",
                    _("Only after I have read and approved the post"),
                    correct=True,
                ),
                StarterChoice(
                    "advocacy_basics.q_approve.b",
                    _("Whenever a campaign goes live"),
                ),
            ),
        ),
    ),
)

OWN_POSTS_AND_COMMENTS = StarterModule(
    key="own_posts_and_comments",
    title=_("Writing your own posts and commenting"),
    description=_(
        "How to find your tone, answer critics calmly, know when to hand a conversation to "
        "the official responders, and keep confidential information out."
    ),
    lessons=(
        StarterLesson(
            key="own_posts_and_comments.tone",
            title=_("Finding your tone"),
            body=_(
                "Write as you would talk to a colleague you respect: friendly, specific, "
                "honest. Tell people *why* something matters to you.\n\n"
                "- One clear point per post.\n"
                "- No exaggeration and no promises on the company's behalf.\n"
                "- Say that you work here."
            ),
        ),
        StarterLesson(
            key="own_posts_and_comments.critics",
            title=_("Answering critics"),
            body=_(
                "Criticism is normal. Stay calm and polite, thank people for their view and "
                "correct facts only when you are sure of them.\n\n"
                "**Hand over** to the official responders when someone complains about a "
                "product or service, asks about legal matters, security or a customer's "
                "case, or when a conversation turns hostile. Do not argue in public."
            ),
        ),
        StarterLesson(
            key="own_posts_and_comments.confidential",
            title=_("Confidential information in posts and comments"),
            body=_(
                "Comments are public too. Never reveal plans, figures, customers or "
                "colleagues' personal details in a reply, even when someone asks directly.\n\n"
                'A good answer: "I can\'t talk about that, but our team can help" and a link '
                "to the official channel."
            ),
        ),
    ),
    questions=(
        StarterQuestion(
            key="own_posts_and_comments.q_tone",
            text=_("Which post has the right tone?"),
            choices=(
                StarterChoice(
                    "own_posts_and_comments.q_tone.a",
                    _("A short post in my own words saying why the news matters to me"),
                    correct=True,
                ),
                StarterChoice(
                    "own_posts_and_comments.q_tone.b",
                    _("A promise that our product will never fail"),
                ),
                StarterChoice(
                    "own_posts_and_comments.q_tone.c",
                    _("The campaign's text, copied word for word"),
                ),
            ),
        ),
        StarterQuestion(
            key="own_posts_and_comments.q_critic",
            text=_("Someone criticises your post. What do you do?"),
            choices=(
                StarterChoice(
                    "own_posts_and_comments.q_critic.a",
                    _("Stay calm and polite, and correct facts only when I am sure"),
                    correct=True,
                ),
                StarterChoice(
                    "own_posts_and_comments.q_critic.b",
                    _("Argue until they agree"),
                ),
                StarterChoice(
                    "own_posts_and_comments.q_critic.c",
                    _("Delete my account"),
                ),
            ),
        ),
        StarterQuestion(
            key="own_posts_and_comments.q_handover",
            text=_("When do you hand a conversation over to the official responders?"),
            choices=(
                StarterChoice(
                    "own_posts_and_comments.q_handover.a",
                    _("A customer complains about a product"),
                    correct=True,
                ),
                StarterChoice(
                    "own_posts_and_comments.q_handover.b",
                    _("Someone asks about a legal or security matter"),
                    correct=True,
                ),
                StarterChoice(
                    "own_posts_and_comments.q_handover.c",
                    _("A friend likes my post"),
                ),
            ),
        ),
        StarterQuestion(
            key="own_posts_and_comments.q_confidential",
            text=_("Someone asks in a comment about next year's figures. What do you answer?"),
            choices=(
                StarterChoice(
                    "own_posts_and_comments.q_confidential.a",
                    _("That I cannot talk about it, with a link to the official channel"),
                    correct=True,
                ),
                StarterChoice(
                    "own_posts_and_comments.q_confidential.b",
                    _("The figures, if I know them"),
                ),
            ),
        ),
    ),
)

STARTER_MODULES = (ADVOCACY_BASICS, OWN_POSTS_AND_COMMENTS)


def _texts() -> dict[str, dict[str, Promise]]:
    texts: dict[str, dict[str, Promise]] = {}
    for module in STARTER_MODULES:
        texts[module.key] = {"title": module.title, "description": module.description}
        for lesson in module.lessons:
            texts[lesson.key] = {"title": lesson.title, "body": lesson.body}
        for question in module.questions:
            texts[question.key] = {"text": question.text}
            for choice in question.choices:
                texts[choice.key] = {"text": choice.text}
    return texts


TEXTS = _texts()


def text(key: str, field: str, stored: str, customised: bool) -> str:
    """The starter's text in the active language, or the organisation's own once edited."""
    if not key or customised or key not in TEXTS:
        return stored
    return str(TEXTS[key][field])
