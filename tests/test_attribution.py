"""A statement given to someone the context does not name beside it fails its claim."""

from __future__ import annotations

import json
import re

import pytest

from conftest import local_engine, sentences
from groundrail.grounding import attribution
from groundrail.grounding.context import from_options
from groundrail.grounding.windows import Document

ARTICLE = (
    "The board voted 4-3 on Thursday to close Cedar Hill Elementary.\n\n"
    "Superintendent Rachel Imbert, who recommended the closure, said the district could no "
    'longer justify the building. "Every dollar we spend heating empty classrooms is a dollar '
    'we are not spending on teachers," Imbert told the board.\n\n'
    "Board President Tom Hallorann voted with the majority. He said the building's future "
    "would be decided at a workshop in February.\n\n"
    "The closure will save about $1.2 million a year."
)


def misattributed(claim: str, article: str = ARTICLE) -> str | None:
    return attribution.misattributed(claim, *sentences(article), {"a": article})


def test_a_statement_given_to_another_speaker_is_misattributed() -> None:
    claim = (
        "Board President Tom Hallorann said every dollar spent heating empty classrooms is a "
        "dollar not spent on teachers."
    )
    assert misattributed(claim) == "Hallorann"
    saying = (
        "The board voted 4-3, with Tom Hallorann saying every dollar spent heating empty "
        "classrooms is a dollar not spent on teachers."
    )
    assert misattributed(saying) == "Hallorann"
    # the context names its speaker by a last name alone at a sentence's start
    article = ARTICLE.replace(
        "Superintendent Rachel Imbert, who recommended the closure, said", "Imbert said"
    )
    assert misattributed(claim, article) == "Hallorann"
    # the context's speaker named before an apposition that holds other names
    article = ARTICLE.replace(
        "who recommended the closure,", "who chairs the Save Cedar Hill campaign and the PTA,"
    ).replace('," Imbert told the board.', '."')
    assert "Imbert told" not in article
    assert misattributed(claim, article) == "Hallorann"
    # a pronoun speaker in another paragraph, a day or an outlet after the verb: no one else
    quoted = (
        "Superintendent Maria Lopez presented the plan.\n\n"
        '"Every dollar we spend heating empty classrooms is a dollar we are not spending on '
        'teachers," she said Tuesday, and she told The Associated Press the vote was close.'
    )
    assert (
        misattributed(claim.replace("Board President Tom Hallorann", "Maria Lopez"), quoted) is None
    )
    # "according to" says whose report it is: the claim hedges its speaker itself
    hedged = claim.replace(" teachers.", " teachers, according to the minutes.")
    assert misattributed(hedged) is None
    # a pronoun's quote whose speaker the paragraph names before it
    article = ARTICLE.replace('," Imbert told the board.', '," she said.')
    assert misattributed(claim, article) == "Hallorann"
    # a statement opened by its source (read-41), and one named "herself" (review)
    opened = (
        "According to Board President Tom Hallorann, every dollar spent heating empty "
        "classrooms is a dollar not spent on teachers."
    )
    assert misattributed(opened) == "Hallorann"
    assert misattributed(opened.replace("Board President Tom Hallorann", "Rachel Imbert")) is None
    assert misattributed(opened.replace("Board President Tom Hallorann", "the minutes")) is None
    # the source given last (read-50), and a fact joined on by "with" read as its own part
    last = (
        "The board voted 4-3 to close the school, with every dollar spent heating empty "
        "classrooms a dollar not spent on teachers, according to Board President Tom Hallorann."
    )
    assert misattributed(last) == "Hallorann"
    assert misattributed(last.replace("Board President Tom Hallorann", "Rachel Imbert")) is None
    assert misattributed(last.replace("Board President Tom Hallorann", "the minutes")) is None
    assert attribution.speaker("Mayor Lee herself said the toll would rise.") == (
        "Lee",
        " the toll would rise.",
    )
    # a day or a month before the verb is no speaker (read-54)
    filed = "A proposed class action filed Monday claims the company failed to encrypt data."
    assert attribution.speaker(filed) is None


@pytest.mark.parametrize(
    "claim",
    [
        # its own speaker, named in the paragraph, or an apposition before the verb
        "Rachel Imbert said every dollar spent heating empty classrooms is a dollar not spent "
        "on teachers.",
        "Imbert, the superintendent, told the board every dollar spent heating empty "
        "classrooms is a dollar not spent on teachers.",
        # said of him by a pronoun in his paragraph
        "Tom Hallorann said the building's future would be decided at a February workshop.",
        # a fact the article states without a speaker
        "Tom Hallorann said the closure will save about $1.2 million a year.",
        # his words end where the next speaker's clause begins (read-33)
        "Tom Hallorann said he voted with the majority, but Rachel Imbert told the board every "
        "dollar spent heating empty classrooms is a dollar not spent on teachers.",
        # a title or a body, not a name; a pronoun; a place before the verb
        "The Superintendent said every dollar spent heating empty classrooms is wasted.",
        "She said every dollar spent heating empty classrooms is a dollar not spent on teachers.",
        "Students of Cedar Hill Elementary called the decision every dollar spent heating.",
        # a place before an apposition is no speaker, nor is the name inside it
        "Protesters outside Cedar Hill Elementary, where Tom Hallorann spoke, said every dollar "
        "spent heating empty classrooms is a dollar not spent on teachers.",
        "Parents along Elm Road, where Tom Hallorann lives, said every dollar spent heating "
        "empty classrooms is a dollar not spent on teachers.",
    ],
)
def test_what_the_rule_cannot_tell_is_left_alone(claim: str) -> None:
    assert misattributed(claim) is None


async def test_the_engine_fails_a_misattributed_claim_the_model_entails() -> None:
    engine = local_engine()
    answer = (
        "The board voted 4-3 to close Cedar Hill Elementary. Board President Tom Hallorann "
        "said every dollar spent heating empty classrooms is a dollar not spent on teachers."
    )
    closed, quote = (await engine.check([Document("a", ARTICLE)], answer)).claims
    assert closed.label == "supported"
    assert (quote.label, quote.driver) == ("unsupported", "misattributed")


def test_he_said_reads_as_the_answer_s_last_speaker() -> None:
    before = (
        "The board voted 4-3. Superintendent Rachel Imbert, who recommended the closure, said "
        "the district could no longer justify the building. "
    )
    claim = "He said the building's future would be decided at a workshop in February."
    said, others, pronoun = attribution.named(claim, before)
    assert pronoun == "he"
    assert said.startswith("Imbert said the building")
    assert others == {"The", "Superintendent", "Rachel"}  # whom "He" may be instead
    assert attribution.named("She also told the board the vote was close.", before)[0] == (
        "Imbert also told the board the vote was close."
    )
    # two speakers in the sentence before, none, another paragraph, no verb of saying
    two = "Imbert said the building was old, and Tom Hallorann told reporters it was not. "
    assert attribution.named(claim, two)[0] == claim
    assert attribution.named(claim, "The board voted 4-3. ")[0] == claim
    assert attribution.named(claim, before + "\n\nThe vote was close. ")[0] == claim
    assert attribution.named("He voted no.", before) == ("He voted no.", frozenset(), "")


async def test_the_engine_fails_a_he_said_claim_of_another_speaker_s_words() -> None:
    # the article gives the workshop to Hallorann ("He said …"); the answer's "He" is Imbert
    answer = (
        "Superintendent Rachel Imbert, who recommended the closure, said the district could "
        "no longer justify the building. He said the building's future would be decided at a "
        "workshop in February."
    )
    article = ARTICLE.replace("Hallorann voted with", "Hallorann said he voted with")
    claims = (await local_engine().check([Document("a", article)], answer)).claims
    assert (claims[-1].label, claims[-1].driver) == ("unsupported", "misattributed")
    right = answer.replace(
        "Superintendent Rachel Imbert, who recommended the closure,",
        ("Board President Tom Hallorann"),
    ).replace(" could no longer justify the building", " voted with the majority")
    claims = (await local_engine().check([Document("a", article)], right)).claims
    assert claims[-1].driver != "misattributed"


GROOMER = json.dumps(
    {
        "name": "Sudsy Paws Grooming",
        "city": "Nashville",
        "categories": "Pet Groomers, Pets",
        "reviews": [
            {
                "stars": 5,
                "text": "Our goldendoodle came back looking like a puppy again. Booking was "
                "about two weeks out, so plan ahead.",
            },
            {
                "stars": 4,
                "text": "Good groom for my senior beagle, and they were gentle with his "
                "arthritis. Pickup was about an hour later than promised.",
            },
        ],
    }
)


@pytest.mark.parametrize(
    ("answer", "moved"),
    [
        # the clause goes on with the beagle owner; its words are the goldendoodle owner's
        (
            "A beagle owner said the staff were gentle with their senior dog's arthritis "
            "during a long groom on a busy Saturday, though booking was about two weeks out, so "
            "plan ahead, but the groom was good.",
            True,
        ),
        (
            "A beagle owner said the staff were gentle with their senior dog's arthritis "
            "during a long groom on a busy Saturday, though pickup was about an hour later than "
            "promised, but the groom was good.",
            False,
        ),
        # a clause with a subject of its own is another reviewer's to say
        (
            "A beagle owner said the staff were gentle with their senior dog's arthritis "
            "during a long groom on a busy Saturday, while another owner found booking was about "
            "two weeks out, so plan ahead.",
            False,
        ),
    ],
)
async def test_a_clause_moved_to_another_reviewer_is_misattributed(
    answer: str, moved: bool
) -> None:
    engine = local_engine()
    result = await engine.check(from_options([GROOMER]), answer)
    signals = [c.signals.get("misattributed", 0.0) for c in result.claims]
    assert (max(signals) == 1.0) is moved
    if moved:
        assert result.verdict != "grounded"


COUNCIL = (
    "The plan removes roughly 1,100 parking spaces, most of them along Harbour Road and Kings "
    "Avenue. The council agreed to add 400 spaces in two new car parks and to review the Kings "
    "Avenue section after its first year. The Harbour Road section opens in spring."
)


def swapped(claim: str, text: str = COUNCIL) -> tuple[str, str] | None:
    units, bm25 = sentences(text)
    best = max(range(len(units)), key=bm25.scores(claim).__getitem__)
    return attribution.swapped(claim, units[best].text)


def test_a_name_of_the_context_in_the_place_of_another_is_swapped() -> None:
    claim = "The council will add 400 spaces in two car parks and review the Harbour Road section."
    assert swapped(claim) == ("harbour road", "kings avenue")
    assert swapped("The Kings Avenue section opens in spring.") == ("kings avenue", "harbour road")
    # a name the context lacks, in the place of one it gives
    claim = "The council will add 400 spaces in two car parks and review the Elm Street section."
    assert swapped(claim) == ("elm street", "kings avenue")


@pytest.mark.parametrize(
    ("claim", "text"),
    [
        # a short form: the first letter and the look of the long form's first word
        ("The Fed raised rates on Wednesday.", "The Federal Reserve raised rates on Wednesday."),
        ("Officials in Kiev said the grid was back.", "Officials in Kyiv said the grid was back."),
        ("Shares of Coke rose 3 percent.", "Shares of Coca-Cola rose 3 percent."),
    ],
)  # fmt: skip
def test_another_form_of_the_name_in_its_place_is_no_swap(claim: str, text: str) -> None:
    assert swapped(claim, text) is None


def test_a_title_shared_by_two_names_does_not_make_them_one() -> None:
    text = "The bill was introduced by Senator Warren on Tuesday and passed 52-48."
    claim = "The bill was introduced by Senator Sanders on Tuesday and passed 52-48."
    assert swapped(claim, text) == ("senator sanders", "senator warren")


@pytest.mark.parametrize(
    "claim",
    [
        "The council will add 400 spaces in two car parks and review the Kings Avenue section.",
        # no sentence's restatement
        "Kings Avenue shop owners objected to losing parking.",
    ],
)
def test_a_name_in_its_own_place_is_not_swapped(claim: str) -> None:
    assert swapped(claim) is None


def test_a_spelling_of_the_same_name_is_not_swapped() -> None:
    text = "Duke's Blue Devils beat the University of Wisconsin's Badgers on Monday night."
    claim = "Duke's Blue Devils beat the University of Winconsin's Badgers on Monday night."
    assert swapped(claim, text + " The University of Winconsin team flew home.") is None


async def test_a_clause_about_one_reviewer_draws_on_their_review_not_the_hours() -> None:
    shop = {
        "name": "Precision Auto Care",
        "categories": "Auto Repair, Automotive",
        "hours": {
            "Monday": "7:30-17:0",
            "Tuesday": "7:30-17:0",
            "Friday": "7:30-17:0",
            "Saturday": "8:0-12:0",
        },
        "reviews": [
            {"stars": 5, "text": "Honest mechanics, fair price on my brakes."},
            {
                "stars": 3,
                "text": "Good work on the timing belt. They said the car would be ready by noon "
                "and nobody called me until almost five.",
            },
        ],
    }
    answer = (
        "A three-star customer was happy with the timing belt work on their old sedan last "
        "winter, but was frustrated that the car was promised by noon and the call did not "
        "come until almost 5 p.m."
    )
    result = await local_engine().check(from_options([json.dumps(shop)]), answer)
    *_, clause = result.claims
    assert clause.span.text.startswith("but was frustrated")
    assert clause.evidence is not None and clause.evidence.text.startswith("Review 2")


TITLES = (
    "Deputy Superintendent Carla Nguyen, who led the committee, told the board the district "
    "expects to save $410,000 a year. Superintendent Mark Delaney said the district would "
    "review test scores. The talks involved former Ukrainian President Viktor Yanukovych. "
    "Ann Ruiz, a council member, objected."
)


@pytest.mark.parametrize(
    ("claim", "titles"),
    [
        # a qualifier dropped, or added
        ("Superintendent Carla Nguyen said the district expects to save $410,000 a year.",
         ("Superintendent", "deputy superintendent")),
        ("Moscow might reinstate President Viktor Yanukovych.",
         ("President", "former president")),
        ("Former Superintendent Mark Delaney said scores would be reviewed.",
         ("Former Superintendent", "superintendent")),
    ],
)  # fmt: skip
def test_a_title_qualified_otherwise_than_the_context_is_retitled(
    claim: str, titles: tuple[str, str]
) -> None:
    assert attribution.retitled(claim, TITLES) == titles


@pytest.mark.parametrize(
    "claim",
    [
        "Deputy Superintendent Carla Nguyen led the committee.",  # as the context
        "Superintendent Mark Delaney will review test scores.",
        "Moscow might reinstate former Ukrainian President Viktor Yanukovych.",
        "Mayor Ann Ruiz objected.",  # another role: the context's words for it vary
        "Principal Jane Doe objected.",  # a name the context lacks
    ],
)
def test_a_title_the_context_gives_or_does_not_qualify_is_not(claim: str) -> None:
    assert attribution.retitled(claim, TITLES) is None


async def test_the_engine_fails_a_retitled_claim() -> None:
    answer = "Superintendent Carla Nguyen told the board the district expects to save $410,000."
    claim = (await local_engine().check([Document("a", TITLES)], answer)).claims[0]
    assert (claim.label != "supported", claim.driver) == (True, "retitled")


PEOPLE = (
    "Questions about exam scheduling should go to Marisol Whitaker, Testing Coordinator, at "
    '555-0143. "We added two rooms," said Dana Okafor. Councilmember Rosa Delgado sponsored '
    "the ordinance. Deposits are insured through the National Credit Union Administration, so "
    "the merger does not affect coverage. Fans from South African-born families came. Ford "
    "Motor said it would recall 40,000 vehicles."
)


@pytest.mark.parametrize(
    ("claim", "names"),
    [
        # read-54: a last name changed, or a first name
        ("For scheduling questions, contact Marisol Whitfield, the Testing Coordinator.",
         ("Marisol Whitfield", "Marisol Whitaker")),
        ("Maria Whitaker handles exam scheduling.", ("Maria Whitaker", "Marisol Whitaker")),
        ("Dana Okonkwo said two rooms were added.", ("Dana Okonkwo", "Dana Okafor")),
    ],
)  # fmt: skip
def test_a_person_given_another_name_is_renamed(claim: str, names: tuple[str, str]) -> None:
    assert attribution.renamed(claim, PEOPLE) == names


@pytest.mark.parametrize(
    "claim",
    [
        "Contact Marisol Whitaker about scheduling.",  # as the context
        "Contact Marisol Whitacker about scheduling.",  # a spelling
        "Contact Dr Whitaker about scheduling.",  # a title
        "Sponsor Rosa Delgado cited the crashes.",  # the context's title is no first name
        "Deposits are National Credit Union Administration-insured.",  # no person
        "Fans came from South Africa.",  # "South African-born": no person
        "The recall covers the Ford Mustang.",  # "Ford Motor said": a business, no person
    ],
)
def test_a_name_the_context_gives_or_no_persons_is_not_renamed(claim: str) -> None:
    assert attribution.renamed(claim, PEOPLE) is None


async def test_the_engine_fails_a_renamed_person() -> None:
    answer = "For scheduling questions, contact Marisol Whitfield, the Testing Coordinator."
    claim = (await local_engine().check([Document("a", PEOPLE)], answer)).claims[0]
    assert (claim.label != "supported", claim.signals["retitled"]) == (True, 1.0)


BEARS = (
    "Some residents have welcomed the measures. \"I've had a bear on my deck three times this "
    'month, and nobody is doing anything," said Hillcrest resident Tom Bixby. Parents at '
    "Maple Run said the school bus stop should move. One hiker reported a sow with two cubs "
    "near the trailhead. Darnell Price, who has worked at the plant for 26 years, said he felt "
    'betrayed. Helen Marsh studies sleep. "For most people, an afternoon cup is probably the '
    'one that costs them sleep," she said.'
)


def generalised(claim: str) -> str | None:
    return attribution.generalised(claim, *sentences(BEARS))


@pytest.mark.parametrize(
    ("claim", "group"),
    [
        ("Hillcrest residents complain that bears keep showing up on their decks and nobody "
         "is doing anything.", "residents"),
        ("Hikers have reported a sow with two cubs near the trailhead.", "Hikers"),
        # one named person, or "she said"; the group's clause up to a turn
        ("Longtime workers at the plant said they felt betrayed.", "workers"),
        ("Sleep researchers agree that an afternoon cup is probably what costs most people "
         "sleep, though some people sleep fine.", "researchers"),
    ],
)  # fmt: skip
def test_one_persons_words_given_to_a_group_are_generalised(claim: str, group: str) -> None:
    assert generalised(claim) == group


@pytest.mark.parametrize(
    "claim",
    [
        "Parents at Maple Run said the school bus stop should move.",  # a group says it
        "One Hillcrest resident said a bear was on his deck three times this month.",  # one
        "Residents have welcomed the measures.",  # said of some residents: no one speaks
        "Hikers should keep away from the trailhead.",  # no group says anything
        # what follows from the group's words is another's (read-36)
        "Some residents worried about the measures, so Tom Bixby said nobody is doing "
        "anything about the bear on his deck this month.",
    ],
)
def test_words_a_group_says_or_no_one_says_are_not(claim: str) -> None:
    assert generalised(claim) is None


@pytest.mark.parametrize(
    ("claim", "statement"),
    [
        # the statement ends where the next named speaker's clause begins (read-33)
        ("Board chair Denise Okafor said the alternative was cutting service, but dissenting "
         "members Marcus Hale and Lina Ortiz argued for county funding.",
         " the alternative was cutting service"),
        ("Mayor Okafor said the plan, which was costly, would save money, but Hale argued it "
         "would not.", " the plan, which was costly, would save money"),
        # no one else is named: a relative clause's verb of saying is the statement's
        ("Mayor Okafor said the report, which says costs rose, was wrong.",
         " the report, which says costs rose, was wrong."),
    ],
)  # fmt: skip
def test_a_speaker_s_statement_ends_at_the_next_speaker(claim: str, statement: str) -> None:
    assert attribution.speaker(claim) == ("Okafor", statement)


LIGHTHOUSE = (
    "Carrow Point Lighthouse is a 38-metre granite tower on the northern headland of the Isle "
    "of Tarrin. It was designed by the engineer Alasdair Menzies and built between 1851 and "
    "1854 by the contractor Hugh Calloway, whose firm also built the harbour wall at Port "
    "Essan. Its lantern was first lit in 1855."
)


@pytest.mark.parametrize(
    ("claim", "traded"),
    [
        # read-37: two names the sentence gives, each after the other's word
        ("It was designed by the engineer Hugh Calloway and built by the contractor Alasdair "
         "Menzies.", ("alasdair menzies", "hugh calloway")),
        ("Leeds won with a goal from keeper Tom Ade and a save by striker Joe Kim.",
         ("joe kim", "tom ade")),
        # as the sentence places them; one word only; a name with no word before it
        ("It was designed by the engineer Alasdair Menzies and built by the contractor Hugh "
         "Calloway.", None),
        ("Leeds won with a goal from striker Tom Ade and a save by keeper Joe Kim.", None),
        ("The Millbrook shelter's director, Ana Ruiz, said the dogs were thin.", None),
        ("Hugh Calloway built it to a design by the engineer Alasdair Menzies.", None),
        # a review helper's: a verb before a name is no role ("was succeeded by", "met")
        ("As chair, Tom Bell was succeeded by Ana Ruiz in March.", None),
        ("At the summit, Xi Jinping met Joe Biden.", None),
    ],
)  # fmt: skip
def test_two_names_traded_between_their_words_are_caught(
    claim: str, traded: tuple[str, str] | None
) -> None:
    sentence = {
        "It": LIGHTHOUSE.split(". ")[1],
        "Leeds": "Leeds won with a goal from striker Tom Ade and a save by keeper Joe Kim.",
        "The": "Ana Ruiz, director of Millbrook shelter, said the dogs were thin.",
        "Hugh": LIGHTHOUSE.split(". ")[1],
        "As": "As chair, Ana Ruiz succeeded Tom Bell in March.",
        "At": "At the summit, Joe Biden met Xi Jinping.",
    }[claim.split()[0]]
    assert attribution.traded(claim, sentence) == traded


async def test_a_sentence_opening_on_a_pronoun_is_read_with_its_name() -> None:
    # read-37: the model reads "It was designed by …" against "Carrow Point Lighthouse was
    # designed by …" as contradicted (0.82); with the name it entails the faithful claim, and
    # the names traded between their roles still fail
    engine = local_engine()
    doc = Document("a", LIGHTHOUSE)
    faithful = (
        "Carrow Point Lighthouse was designed by the engineer Alasdair Menzies and built by "
        "the contractor Hugh Calloway between 1851 and 1854. Carrow Point Lighthouse's lantern "
        "was first lit in 1855."
    )
    designed, lit = (await engine.check([doc], faithful)).claims
    assert designed.label == lit.label == "supported"
    assert designed.pairs[0].premise.startswith("Carrow Point Lighthouse was designed by")
    traded = (
        faithful.replace("Alasdair Menzies", "X")
        .replace("Hugh Calloway", "Alasdair Menzies")
        .replace("X", "Hugh Calloway")
    )
    designed, _ = (await engine.check([doc], traded)).claims
    assert (designed.label, designed.driver) == ("unsupported", "swapped")


@pytest.mark.parametrize(
    ("claim", "misroled"),
    [
        # read-38: a role the context gives another person by name
        ("Calder County Judge Marcus Tilley has blocked the warehouse.", ("Judge", "attorney")),
        # the person's own role; a role akin to theirs (a review helper's)
        ("Judge Renata Osei has blocked the warehouse.", None),
        ("Attorney Marcus Tilley said residents were relieved.", None),
        ("CEO Ana Ruiz announced the layoffs.", None),
        ("Lawyer Marcus Tilley said residents were relieved.", None),
    ],
)
def test_a_role_the_context_gives_another_person_is_caught(
    claim: str, misroled: tuple[str, str] | None
) -> None:
    context = (
        "Judge Renata Osei vacated the board's approval. The group's attorney, Marcus Tilley, "
        "said residents were relieved. Former CEO Tom Bell stepped down in May. Ana Ruiz, the "
        "company's chief executive since June, announced the layoffs."
    )
    assert attribution.misroled(claim, context) == misroled


LOCKSMITH = [
    "Locked myself out of my car on a Saturday. Marcus showed up in about 25 minutes and had "
    "the door open in less than five minutes without a scratch.",
    "Had all the locks rekeyed after buying our house. Tanya in the shop was great at "
    "explaining the difference between rekeying and replacing, and she talked me out of new "
    "deadbolts I didn't need.",
    "Brought in an old fire safe with no combination. The team got it open in an hour.",
]


@pytest.mark.parametrize(
    ("claim", "name"),
    [
        # read-48: what Tanya did, credited to Marcus, whom another review names
        ("A new homeowner credited Marcus with clearly explaining rekeying versus replacing and "
         "talking them out of unneeded deadbolts.", "Marcus"),
        # right, or a name no review gives, or one in a list item after "by"
        ("A new homeowner credited Tanya with clearly explaining rekeying versus replacing and "
         "talking them out of unneeded deadbolts.", None),
        ("A driver said Marcus showed up in about 25 minutes and opened the car door without a "
         "scratch.", None),
        ("A new homeowner credited Jordan with clearly explaining rekeying versus replacing.",
         None),
        ("Reviewers mention a car door opened by Marcus and the difference between rekeying and "
         "replacing explained in the shop.", None),
        # a word that names no one: a day, a team before its noun
        ("The door was opened on a Saturday in about 25 minutes without a scratch.", None),
    ],
)  # fmt: skip
def test_a_review_s_deed_credited_to_another_person_is_miscredited(
    claim: str, name: str | None
) -> None:
    assert attribution.miscredited(claim, LOCKSMITH, frozenset({"keyline"})) == name


BARBER = [
    "Andre has been cutting my hair for two years. Skin fade done in about 35 minutes.",
    "Brought my 6-year-old for his first haircut. Tomas was incredibly patient.",
    "I waited almost an hour as a walk-in on a Friday evening even though they told me 20 "
    "minutes. A beard trim was an extra $15, which felt steep. Andre did a solid job.",
    "The agent, Brandon, said the hold is policy for debit cards, but nobody mentioned it at "
    "pickup.",
    "The manager, Teresa, found me a cargo van when the website showed none.",
]


@pytest.mark.parametrize(
    ("claim", "name"),
    [
        # read-49: a service had from the person another review names; read-50: words given
        # to the person another review names
        ("A three-star reviewer got a solid cut from Tomas but waited almost an hour as a "
         "Friday-evening walk-in and found the $15 beard trim steep.", "Tomas"),
        ("A three-star reviewer got a solid cut from Andre but waited almost an hour as a "
         "Friday-evening walk-in and found the $15 beard trim steep.", None),
        ("A renter said manager Teresa said the hold was policy for debit cards, though no one "
         "mentioned it at pickup.", "Teresa"),
        ("A renter said agent Brandon said the hold was policy for debit cards, though no one "
         "mentioned it at pickup.", None),
        # another reviewer's clause after the name is not the person's
        ("One parent got a first haircut from Tomas, and another waited almost an hour as a "
         "Friday-evening walk-in.", None),
        # a name opening the claim, or after a title (a review helper's)
        ("Tomas said the hold was policy for debit cards, but nobody mentioned it at pickup.",
         "Tomas"),
        ("Dr. Andre said the hold was policy for debit cards, though no one mentioned it.",
         "Andre"),
        ("Brandon said the hold was policy for debit cards, but nobody mentioned it at pickup.",
         None),
        ("Diners said the hold was policy for debit cards, but nobody mentioned it at pickup.",
         None),
    ],
)  # fmt: skip
def test_a_visit_or_words_given_to_another_review_s_person_are_miscredited(
    claim: str, name: str | None
) -> None:
    assert attribution.miscredited(claim, BARBER, frozenset()) == name


BAKERY = [
    "The sourdough is outstanding. Owner Marisol was behind the counter and told us the "
    "starter is over 20 years old and came from her grandmother.",
    "Devon at the register recommended the cardamom bun. The line on Saturday was about 15 "
    "minutes.",
    "Check engine light came on. Dale at Ridgeway ran the diagnostic for free, showed me the "
    "code on his tablet, and said it was an oxygen sensor.",
    "Marco called me before noon with the quote and it was ready by 4.",
]


@pytest.mark.parametrize(
    ("claim", "name"),
    [
        # read-51: the person a review names after a title ("Owner Marisol"), or before "at"
        # and a place ("Dale at Ridgeway"), is that review's; a deed in an irregular verb
        ("One reviewer raved about the sourdough, and Devon told them the starter is over 20 "
         "years old and came from her grandmother.", "Devon"),
        ("One reviewer raved about the sourdough, and Marisol told them the starter is over 20 "
         "years old and came from her grandmother.", None),
        ("One customer said Marco ran a free diagnostic on a check engine light and showed the "
         "code on his tablet.", "Marco"),
        ("One customer said Dale ran a free diagnostic on a check engine light and showed the "
         "code on his tablet.", None),
    ],
)  # fmt: skip
def test_a_person_named_after_a_title_or_a_place_is_their_review_s(
    claim: str, name: str | None
) -> None:
    assert attribution.miscredited(claim, BAKERY, frozenset()) == name


async def test_the_engine_fails_a_miscredited_record_claim() -> None:
    record = json.dumps(
        {
            "name": "Keyline Lock & Safe",
            "city": "Boise",
            "reviews": [{"stars": 5, "text": text} for text in LOCKSMITH],
        }
    )
    answer = (
        "A new homeowner credited {} with clearly explaining rekeying versus replacing and "
        "talking them out of unneeded deadbolts."
    )
    wrong = (await local_engine().check(from_options([record]), answer.format("Marcus"))).claims
    assert (wrong[0].label, wrong[0].driver) == ("unsupported", "misattributed")
    right = (await local_engine().check(from_options([record]), answer.format("Tanya"))).claims
    assert right[0].driver != "misattributed"


RAILYARD = (
    "The council approved the Crestline plan 6-1 on Monday.\n\n"
    "Mayor Patricia Odum, who championed the plan, called it the biggest step this city has "
    "taken on housing in a generation. Councillor Derek Hale cast the only vote against. "
    '"We are approving 600 homes and zero new lanes," Hale said.\n\n'
    "The hospital's chief nursing officer, Daniel Frey, said the hospital had hired 120 nurses "
    'since January. "Ratios sound simple, but they can mean turning patients away from the '
    'emergency room," said Union president Keisha Morrow.'
)


@pytest.mark.parametrize(
    ("claim", "name"),
    [
        # read-47: the second of two statements is another's, named in its own sentence
        ("Mayor Patricia Odum called it the city's biggest housing step in a generation, adding "
         "that the council was approving 600 homes and zero new lanes.", "Odum"),
        # read-48: a surname alone opening the claim, which the context gives a full name
        ("Frey warned that ratios can mean turning patients away from the emergency room.",
         "Frey"),
        # right
        ("Mayor Patricia Odum called it the city's biggest housing step in a generation.", None),
        ("Hale said the council was approving 600 homes and zero new lanes.", None),
        ("Morrow warned that ratios can mean turning patients away from the emergency room.",
         None),
    ],
)  # fmt: skip
def test_each_statement_and_a_bare_surname_are_read(claim: str, name: str | None) -> None:
    assert misattributed(claim, RAILYARD) == name


CLUB = (
    "Coach Tom Alder said the club would build its attack around Nadia Ferreira. "
    '"I wanted a club that plays to win every single week," Ferreira said.\n\n'
    'The recall covers 40,000 cars. "Owners should get letters within 30 days," the '
    "spokesperson told Reuters. Spokesperson Lydia Marsh declined to give a cost.\n\n"
    '"We had maybe 20 minutes to get out," Luis said. Luis Ortega lost his house.\n\n'
    "Both Portland goals came from corner kicks in the first half, Seattle coach Mia Lund "
    "said afterwards. The Boeing 737 MAX line will hold at 38 jets a month, chief executive "
    "Kelly Ortberg told analysts."
)


@pytest.mark.parametrize(
    ("answer", "name"),
    [
        # a review helper's: "She" may be the other person the sentence before names
        ("Coach Tom Alder said the club would build its attack around Nadia Ferreira. She said "
         "she wanted a club that plays to win every single week.", None),
        # one person by their first name, a listener after "told", a company, a goalkeeper
        # who conceded goals
        ("Luis Ortega said they had maybe 20 minutes to get out.", None),
        ("Spokesperson Lydia Marsh said owners should get letters within 30 days.", None),
        ("Boeing said the 737 MAX line will hold at 38 jets a month.", None),
        ("Seattle goalkeeper Ana Torres conceded two first-half goals, both from corner kicks.",
         None),
        # and still: a coach's words given to the player
        ("Nadia Ferreira said the club would build its attack around her.", None),
        ("Ferreira said both Portland goals came from corner kicks in the first half.",
         "Ferreira"),
    ],
)  # fmt: skip
def test_who_else_the_speaker_may_be_is_left_alone(answer: str, name: str | None) -> None:
    units, bm25 = sentences(CLUB)
    claims = [
        attribution.named(s, answer[: answer.index(s)])
        for s in re.split(r"(?<=\.) (?=[A-Z])", answer)
    ]
    said, others, pronoun = claims[-1]
    found = attribution.misattributed(
        said,
        units,
        bm25,
        {"a": CLUB},
        first_word=said != answer.split(". ")[-1],
        others=others,
        said_as=pronoun,
    )
    assert found == name


def test_what_another_name_does_is_not_credited_to_the_name_before_it() -> None:
    # a review helper's: "Cubano" and "Fenway" are no staff; what follows is Luis's or Carla's
    reviews = [
        "The Cubano was pressed perfectly. Sat at the bar and Luis made me a mezcal old "
        "fashioned that was smoky and strong.",
        "Parking near Fenway is rough on game nights. Carla at the front desk validated our "
        "garage ticket without us asking.",
        "Luis recommended the guava pastelito, which was great with coffee.",
    ]
    for claim in (
        "Diners love the Cubano, while Luis at the bar makes a smoky, strong mezcal old fashioned.",
        "Parking near Fenway is tough on game nights, though Carla at the front desk "
        "validates garage tickets.",
    ):
        assert attribution.miscredited(claim, reviews, frozenset()) is None
    wrong = "A guest said Carla at the bar made them a smoky, strong mezcal old fashioned."
    assert attribution.miscredited(wrong, reviews, frozenset()) == "Carla"
    # a person opening a review's sentence "behind the counter", a name before "made"
    bakery = [
        "Priya behind the counter remembered my order from last week and threw in a free "
        "croissant.",
        "The owner, Gabe, walked us through every pastry and recommended the cardamom bun.",
    ]
    wrong = (
        "One customer said Gabe remembered their order from the week before and threw in a "
        "free croissant."
    )
    assert attribution.miscredited(wrong, bakery, frozenset()) == "Gabe"
    wrong = "A guest said Luis made them a Cubano pressed crispy with plenty of pickles."
    cantina = [
        "Get the Cubano, pressed crispy with plenty of pickles. Sat at the bar and Sam "
        "poured me a beer.",
        "Luis made me a mezcal old fashioned that was smoky and strong.",
    ]
    assert attribution.miscredited(wrong, cantina, frozenset()) == "Luis"


QUOTA = (
    "The council rejected a counter-proposal from the cooperative that would have limited the "
    "reduction to 15 percent. Under the agreement, the Bamessa court will lend four of the "
    "objects back to the Hallam for a joint exhibition. Flash flooding triggered by "
    "slow-moving thunderstorms killed at least six people in southern Missouri overnight."
)


@pytest.mark.parametrize(
    ("claim", "words"),
    [
        # read-47: the two parties of the verb the other way round
        ("The cooperative rejected the council's proposal for a 15% reduction.",
         ("coope", "counc")),
        ("The Hallam will lend four objects back to the court for a joint exhibition.",
         ("halla", "court")),
        # as the sentence has them, a passive, and no subject before the verb
        ("The council rejected the cooperative's proposal for a 15% reduction.", None),
        ("The cooperative's proposal was rejected by the council.", None),
        ("The court will lend four objects back to the Hallam for a joint exhibition.", None),
        ("Overnight flash flooding in southern Missouri killed at least six people.", None),
    ],
)  # fmt: skip
def test_two_parties_of_a_verb_the_other_way_round_are_traded(
    claim: str, words: tuple[str, str] | None
) -> None:
    units, bm25 = sentences(QUOTA)
    assert attribution.traded_roles(claim, [u.text for u in units], bm25) == words


def test_a_pronoun_the_context_gives_another_speaker_is_misattributed() -> None:
    # read-46: the article's "She said" follows another scientist's quote; the answer's "He"
    article = (
        '"This is the most widespread bleaching we have recorded," said Dr. Amelia Tuilagi. '
        "She said reefs on the sheltered western side had been hit hardest.\n\n"
        "Dr. Peter Lindgren noted lower bleaching inside the marine reserve."
    )
    units, bm25 = sentences(article)
    answer = (
        "Dr. Amelia Tuilagi called it the most widespread bleaching on record. Dr. Peter "
        "Lindgren noted lower bleaching inside the reserve. {} said the sheltered western reefs "
        "were hit hardest."
    )
    for pronoun, found in (("He", "Lindgren"), ("She", None)):
        text = answer.format(pronoun)
        claim = text[text.index(f"{pronoun} said") :]
        said, others, said_as = attribution.named(claim, text[: text.index(claim)])
        assert said.startswith("Lindgren said")
        assert (
            attribution.misattributed(
                said, units, bm25, {"a": article}, first_word=True, others=others, said_as=said_as
            )
            == found
        )


def test_a_speaker_named_by_a_role_alone_is_left_to_the_model() -> None:
    # a review helper's: the economist is Frey; the rule cannot tell from "the economist"
    article = (
        "Anna Frey joined Westbank in 2019. Mayor Tom Ruiz said the budget was balanced. "
        '"Interest rates could stay high through 2026," the Westbank economist warned.'
    )
    units, bm25 = sentences(article)
    claim = "Frey warned that interest rates could stay high through 2026."
    assert attribution.misattributed(claim, units, bm25, {"a": article}) is None


def test_a_speaker_after_a_clause_s_and_is_read() -> None:
    # read-51: "and" opening a clause does not join the speaker to a name before it
    claim = (
        "The board voted 4-3 to close the school, and Board President Tom Hallorann said every "
        "dollar spent heating empty classrooms is a dollar not spent on teachers."
    )
    assert misattributed(claim) == "Hallorann"
    joint = (
        "Rachel Imbert and Tom Hallorann said every dollar spent heating empty classrooms is "
        "wasted."
    )
    assert misattributed(joint) is None


FIND = (
    "Preliminary tests at the Royal Saskatchewan Museum in Regina suggest the stones are "
    "ordinary chondrites. Solheim will give a free public talk on the find at the Swift "
    "Current library on April 2."
)


@pytest.mark.parametrize(
    ("claim", "moved"),
    [
        # read-53: the talk moved to another place the context names
        ("Solheim will give a free public talk on the find at the museum in Regina on April 2.",
         ("Regina", "Current Swift")),
        ("Solheim will give a free public talk on the find at the Swift Current library.", None),
        # where a thing is, after "in", is no venue
        ("Solheim, of Regina, will give a free public talk on the find on April 2.", None),
    ],
)  # fmt: skip
def test_an_event_put_at_another_place_of_the_context_is_relocated(
    claim: str, moved: tuple[str, str] | None
) -> None:
    units, bm25 = sentences(FIND)
    assert attribution.relocated(claim, [u.text for u in units], bm25) == moved
