"""A statement given to someone the context does not name beside it fails its claim."""

from __future__ import annotations

import json

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
    assert attribution.speaker("Mayor Lee herself said the toll would rise.") == (
        "Lee",
        " the toll would rise.",
    )


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
