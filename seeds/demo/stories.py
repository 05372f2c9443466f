"""The article texts of the demo corpus: the reference article, its retellings, a wire story and fiction."""

from __future__ import annotations

from pathlib import Path

SEED_PATH = Path(__file__).resolve().parent.parent / "seed-article.txt"

# The reference article, paragraph by paragraph, exactly as in seeds/seed-article.txt.
SEED_PARAGRAPHS: tuple[str, ...] = tuple(
    line for line in SEED_PATH.read_text(encoding="utf-8").split("\n") if line.strip()
)

NOTICE_FICTION = "Demo content: invented outlet, people and events."
NOTICE_REFERENCE = (
    "Demo content: invented outlet. The article text reproduces a real UK report of February 2025, "
    "kept verbatim for testing."
)
NOTICE_RETOLD = (
    "Demo content: invented outlet. A rewritten account of a real UK report of February 2025; "
    "every quotation is copied verbatim from that report."
)

# ---------------------------------------------------------------------------------------------
# The reference story retold in other words. Quotes are only ones printed verbatim in the seed,
# attributed as in the seed; the facts are the seed's (19,244; 3,594; 16 per cent).
# ---------------------------------------------------------------------------------------------

RETOLD_MERIDIAN = [
    "Foreign criminals and migrants who are in the country illegally should be deported, Kemi Badenoch "
    "has said, as the Conservatives try to win back voters drifting towards Reform UK.",
    "Speaking in an interview, the Tory leader said: \u201cWe need to make sure that we remove foreign "
    "criminals from our country.\u201d",
    "Asked by BBC Radio 5 Live presenter Matt Chorley whether as prime minister she would commit to mass "
    "deportations of hundreds of thousands of illegal immigrants, she replied: \u201cOf foreign criminals? "
    "Absolutely. If people are in the country illegally, then they should be deported. That is the law. "
    "Otherwise you're rewarding people for breaking the law.\u201d",
    "Mrs Badenoch accepted that immigration had risen while her party was in government. She said: "
    "\u201cWe have a problem now with immigration being too high. I have acknowledged that that happened "
    "under the Conservatives' watch.\u201d",
    "She added: \u201cI was not in charge. I am now. And that is something that we are going to fix.\u201d",
    ("h2", "Deportation figures"),
    "According to Home Office figures, 19,244 foreign criminals were living in communities across Britain "
    "at the end of last year while they waited to be deported.",
    "Since Labour took office, 3,594 foreign criminals have been removed, 16 per cent more than in the "
    "same period a year earlier. Ministers are nonetheless being pressed to act more quickly.",
    "Reform UK leader Nigel Farage, who has ruled out mass deportations, said he would follow an "
    "\u201cAustralian \u2013 Tony Abbott-style\u201d approach to small boats, adding: \u201cTony just "
    "towed the boats back to Indonesia. End of.\u201d",
    ("h2", "Sex offenders and asylum"),
    "The exchanges came as the Home Office said overseas nationals on the sex offenders' register would "
    "be barred from being granted refugee status. The change follows the case of Clapham chemical "
    "attacker Abdul Ezedi, who was granted asylum despite a suspended sentence in 2018 for sexual assault "
    "and exposure.",
    "Critics said offenders could instead rely on Article 3 of the European Convention on Human Rights, "
    "which protects people from torture.",
    "Shadow Home Secretary Chris Philp said: \u201cThis is deeply dishonest by Starmer.\u201d He added: "
    "\u201cForeign criminals will just use ECHR Article 3 instead.\u201d",
    "Former home secretary Suella Braverman said: \u201cMore hollow words that mean nothing.\u201d She "
    "said: \u201cWe must leave the ECHR and take back control of our borders.\u201d",
]

RETOLD_EASTFIELD = [
    "More than 19,000 foreign offenders are still living in British communities while they wait to be "
    "deported, official figures show.",
    "The Home Office says 19,244 foreign criminals were awaiting deportation at the end of last year. A "
    "total of 3,594 have been removed since Labour won power \u2013 up 16 per cent on the equivalent "
    "period 12 months before.",
    "The numbers have piled pressure on ministers, and Conservative leader Kemi Badenoch has now said she "
    "backs mass deportations of foreign criminals and believes people in Britain illegally should be "
    "removed.",
    "In an interview, she said: \u201cAnd we actually put down an amendment that says that we will "
    "deport. It's not going to be easy, but you've got to start from somewhere.\u201d",
    "She went on: \u201cIf you start from the position of, oh, well, it can't be done, then you're never "
    "going to do it.\u201d",
    "Mrs Badenoch also conceded that immigration rose under the previous Conservative government, but "
    "said: \u201cI was not in charge. I am now. And that is something that we are going to fix.\u201d",
    ("h2", "Farage looks to Australia"),
    "Reform UK's Nigel Farage has ruled out mass deportations but says he wants to deport as \u201cmany "
    "of them that come\u201d. Asked whether he meant a Donald Trump-style policy, the Reform UK leader "
    "said: \u201cAustralian \u2013 Tony Abbott-style. They had the boat problem, coming from "
    "Indonesia.\u201d",
    "Separately, the Home Office is changing the rules so that overseas nationals on the sex offenders' "
    "register cannot be granted refugee status. Until now only an offence that led to a sentence of more "
    "than 12 months was treated as a \u201cparticularly serious crime\u201d.",
    "Home Office insiders believe immigration judges could conclude that sex offenders jailed for less "
    "than 12 months should be deported because their presence is not \u201cconducive to the public "
    "good\u201d.",
    "Chris Philp, the shadow home secretary, said Labour had voted against a Conservative amendment on "
    "human rights claims. He said: \u201cWhen we tabled an amendment to stop foreign criminals and those "
    "with no right to be here using human rights claims in UK law, Labour voted against it. Starmer "
    "won\u2019t fix this.\u201d",
    "Suella Braverman, a former home secretary, said: \u201cWe must leave the ECHR and take back control "
    "of our borders.\u201d",
]

RETOLD_FENWICK = [
    "Keir Starmer's plan to stop foreign sex offenders from claiming asylum has been dismissed by senior "
    "Conservatives, who say offenders will turn to human rights law instead.",
    "Under the change, the Home Office will prevent overseas nationals on the sex offenders' register "
    "from being granted refugee status. Until now, only an offence that led to a jail term of more than "
    "12 months was treated as a \u201cparticularly serious crime\u201d.",
    "The move follows the case of Abdul Ezedi, the Clapham chemical attacker, who was given asylum even "
    "though he had received a suspended sentence in 2018 for sexual assault and exposure.",
    "But critics argued that Article 3 of the European Convention on Human Rights, which guarantees "
    "freedom from torture, overrides the Refugee Convention.",
    "Responding to the Prime Minister's claim that he is \u201cchanging the system\u201d, Shadow Home "
    "Secretary Chris Philp said: \u201cThis is deeply dishonest by Starmer.\u201d",
    "He added: \u201cForeign criminals will just use ECHR Article 3 instead.\u201d",
    "Former home secretary Suella Braverman said: \u201cThe Prime Minister knows that under the ECHR "
    "these criminals can\u2019t be deported even if he really wanted to do that.\u201d",
    ("h2", "\u2018Start from somewhere\u2019"),
    "Conservative leader Kemi Badenoch, meanwhile, has said she backs mass deportations of foreign "
    "criminals, and that illegal migrants should be deported too. \u201cOtherwise, you\u2019re "
    "rewarding people for breaking the law\u201d, Mrs Badenoch said.",
    "Home Office figures show 19,244 foreign criminals were living in the community awaiting deportation "
    "at the end of last year. Some 3,594 have been deported since Labour came to power, an increase of 16 "
    "per cent on the same period a year before.",
    "Reform UK leader Nigel Farage has ruled out mass deportations, pointing instead to the approach "
    "taken in Australia under Tony Abbott: \u201cTony just towed the boats back to Indonesia. End "
    "of.\u201d",
]

# ---------------------------------------------------------------------------------------------
# A fictional wire story (agency "Press Wire") syndicated to three outlets with small edits.
# ---------------------------------------------------------------------------------------------

WIRE_DISPERSAL = [
    "Councils in England face a \u00a348m shortfall in funding to support asylum seekers moved into their "
    "areas over the next year, according to a group representing local authorities.",
    "The Local Services Network, which represents 62 district and county councils, said the Home Office "
    "grant of \u00a3750 per person for dispersed asylum seekers had not risen since 2022 and no longer "
    "covered the cost of housing, schools and social care.",
    "In a survey of its members, 44 councils said they expected to overspend on asylum-related services "
    "in 2025-26, with an average gap of \u00a31.1m each.",
    "Councillor Margaret Eades, who chairs the network's asylum and refugee board, said: \"Councils want "
    "to play their part, and most of our members have done so willingly. But we are being asked to do "
    "more every year with money that was set three years ago. Something will have to give.\"",
    "The network is calling for the grant to rise to \u00a33,500 per person and for councils to be given "
    "six months' notice before large numbers of people are moved into an area.",
    "The Home Office has said it plans to move asylum seekers out of hotels and into dispersed "
    "accommodation as part of efforts to cut costs.",
    "Asylum minister Alan Marchetti said: \"We are working closely with councils on dispersal and have "
    "increased funding for the areas under the most pressure. We will set out further support in the "
    "coming weeks.\"",
    "The network said some of its members had seen the number of asylum seekers in dispersed housing "
    "double in 12 months.",
]


def wire_trimmed() -> list[str]:
    """Eastfield's copy: the last paragraph cut and two small house-style edits."""
    paras = list(WIRE_DISPERSAL[:-1])
    paras[2] = paras[2].replace("2025-26", "2025/26")
    paras[5] = paras[5].replace("The Home Office has said", "The Home Office says")
    return paras


def wire_with_editor_line() -> list[str]:
    """Fenwick's copy: the full text plus a line added by the outlet's editor."""
    return [
        *WIRE_DISPERSAL,
        "The Courier has asked Fenwick District Council whether it expects to overspend on asylum "
        "services this year.",
    ]


# ---------------------------------------------------------------------------------------------
# Fictional immigration stories: invented people, places, charities and figures.
# ---------------------------------------------------------------------------------------------

BRACKFORD_V1 = [
    "The Kestrel Park Hotel in Brackford, which has been used to house asylum seekers since October 2022, "
    "will close by the end of April, a Home Office minister has confirmed.",
    "In a letter to the town's MP, asylum minister Alan Marchetti said the hotel was one of 14 sites due to "
    "close in the first half of the year as the department moves people into cheaper dispersed "
    "accommodation.",
    "About 180 people currently live at the hotel, including 36 children, according to Brackford Borough "
    "Council.",
    "Council leader Janet Oduya said: \u201cThis is welcome news for Brackford, but the people living "
    "there need proper notice and somewhere to go. We have been asking for a date for two years.\u201d",
    "The letter, seen by the Northgate Post, says the hotel has cost about \u00a36.1m a year to run. Mr "
    "Marchetti wrote that closing hotels was \u201ca priority for this department and for the communities "
    "that have hosted them\u201d.",
    "Tomasz Wr\u00f3bel, coordinator of the Brackford Welcome Project, a volunteer group that runs English "
    "conversation sessions at the hotel, said families were anxious. \u201cSome of these children have "
    "been at Brackford primary schools for a year or more. Moving them in the middle of the summer term "
    "would be cruel,\u201d he said.",
    "The hotel's owners, Kestrel Leisure Group, said they expected to reopen to paying guests in the "
    "summer after a refurbishment.",
    "Local residents have held regular protests outside the hotel since 2023. A counter-demonstration "
    "organised by church groups last month drew about 300 people.",
]


def brackford_v2() -> list[str]:
    """The corrected (phase-2) text: one figure changed, one quote corrected, a correction note."""
    paras = list(BRACKFORD_V1)
    paras[2] = paras[2].replace("About 180 people", "About 210 people")
    paras[3] = (
        "Council leader Janet Oduya said: \u201cThis is welcome news for Brackford, but the people living "
        "there deserve proper notice and a safe place to go. We have been asking for a date for two "
        "years.\u201d"
    )
    paras.append(
        "Correction, 13 February 2025: an earlier version of this article misquoted Cllr Janet Oduya and "
        "said about 180 people lived at the hotel. The council's figure is 210."
    )
    return paras


TRIBUNAL = [
    "The Home Office unlawfully detained an Eritrean asylum seeker for almost a year while it tried to "
    "remove him to a third country, an immigration tribunal has ruled.",
    "The man, who can be identified only as MK, was held at an immigration removal centre from January to "
    "December 2023. He had arrived in the UK by small boat in 2022 and claimed asylum on arrival.",
    "In a judgment handed down on Monday, Upper Tribunal Judge Rowena Caldecott said there had been "
    "\u201cno realistic prospect of removal within a reasonable period\u201d for at least the final seven "
    "months of his detention.",
    "\u201cThe Secretary of State was or should have been aware that no country had agreed to receive the "
    "appellant,\u201d the judge wrote. \u201cDetention in those circumstances cannot be justified as a "
    "step towards removal.\u201d",
    "The ruling means MK is likely to be entitled to damages. His solicitor, Hamid Qureshi of Northgate "
    "Law Centre, said: \u201cMy client was locked up for 11 months for no purpose. He was never charged "
    "with any crime. This judgment confirms what we said from the start.\u201d",
    "The tribunal also criticised the department for failing on four occasions to review his detention at "
    "the required 28-day intervals.",
    "Asylum minister Alan Marchetti said the department was \u201cconsidering the judgment carefully\u201d "
    "and would decide whether to appeal.",
    "Lawyers say the case could affect dozens of similar claims. Northgate Law Centre said it was "
    "representing 23 other people who had been detained for more than six months between 2022 and 2024.",
]

COUNCIL_BUDGET = [
    "Northgate City Council has approved a 4.99 per cent rise in council tax from April, adding \u00a387.40 "
    "a year to the bill for a typical Band D home.",
    "Councillors voted 38 to 21 in favour of the budget after a four-hour meeting on Tuesday evening.",
    "The council's cabinet member for finance, Deborah Lyle, said the increase was needed to close a "
    "\u00a314.2m gap in next year's budget. \u201cNobody comes into local government to put up council "
    "tax. But without this rise we would be looking at closing six libraries and moving to three-weekly "
    "bin collections,\u201d she said.",
    "The opposition group proposed an alternative budget that would have used \u00a35m from reserves to "
    "limit the rise to 2.99 per cent. Its leader, Councillor Paul Haddon, said: \u201cFamilies in "
    "Northgate are already stretched. This administration has chosen the easy option.\u201d",
    "Spending on adult social care will rise by \u00a39.6m to \u00a3182m, the largest single item in the "
    "budget. Children's services will receive an extra \u00a34.1m.",
    "Parking charges in the city centre will rise by 20p an hour, and the council will introduce a \u00a345 "
    "annual charge for garden waste collection.",
    "The budget also confirms the sale of the former Castle Street offices, which is expected to raise "
    "\u00a33.5m.",
]

FOOTBALL = [
    "Moussa Sesay's header four minutes from time gave Northgate Athletic a 2-1 win over Harbury Town in "
    "front of 11,482 at Mill Lane.",
    "The visitors took the lead on 23 minutes when Liam Costello's free kick deflected off the wall and past "
    "goalkeeper Ben Adair.",
    "Athletic equalised early in the second half through Kieran Walsh, who turned in Tom Brightwell's low "
    "cross at the near post.",
    "Harbury had the better chances after that, and Costello struck the bar with a curling effort on 71 "
    "minutes.",
    "But Sesay, on as a substitute, rose highest to meet Brightwell's corner in the 86th minute and send "
    "the home fans into raptures.",
    "Athletic manager Gary Fenton said: \u201cDerbies are never pretty. The lads showed real character "
    "after going behind, and Moussa has been waiting for his chance.\u201d",
    "Harbury boss Sian Pritchard said: \u201cWe deserved at least a point. We switched off for one corner "
    "and that was the game.\u201d",
    "The win lifts Athletic to sixth in the table, two points outside the play-off places, ahead of "
    "Tuesday's trip to Castleford Rovers.",
]

SMALL_BOATS = [
    "1,214 people crossed the Channel in small boats in January, up 23 per cent on the same month last "
    "year, according to Home Office figures.",
    "The total, compared with 987 in January 2024, came despite a run of storms that kept boats off the "
    "water for most of the month. Crossings were recorded on 12 days.",
    "Officials said 22 boats made the journey, an average of 55 people per boat \u2013 a record for a "
    "winter month and up from an average of 49 a year earlier.",
    "Border security minister Helen Corrigan said: \u201cThese numbers are too high, and every crossing "
    "puts lives at risk. We are going after the gangs who pack people into unseaworthy boats, and we will "
    "not let up.\u201d",
    "She said 81 suspected smugglers had been arrested in a joint operation with French and Belgian police "
    "since October.",
    "Maya Lindqvist, director of the charity Channel Crossings Support, said the rise showed deterrence "
    "was not working. \u201cPeople are still coming because they have no safe route to claim asylum. More "
    "crowded boats mean more deaths,\u201d she said.",
    ("h2", "Provisional figures"),
    "The daily figures are provisional. The quarterly immigration statistics, due later this month, will "
    "show how many of those who arrived by small boat went on to claim asylum.",
]

NET_MIGRATION = [
    "Net migration to the UK is likely to have fallen to about 494,000 in the year to September 2024, "
    "down from 781,000 a year earlier, according to an analysis of Home Office visa data.",
    "The Wessex Migration Research Centre said the fall of more than a third was driven by a sharp drop "
    "in the number of dependants coming with students and care workers after rule changes last year.",
    "Visa applications from main student applicants fell 14 per cent, while applications from their "
    "dependants fell by 83 per cent. Health and care visas granted to main applicants fell from 146,000 "
    "to 52,300.",
    "Dr Aled Pryce, the centre's director, said: \u201cWe are seeing the effect of policy changes feed "
    "through into the numbers. But estimates of emigration are still very uncertain, and the official "
    "figure could be revised by tens of thousands.\u201d",
    "Migration minister Sarah Breckon said: \u201cNet migration must come down, and it is coming down. We "
    "will set out further reforms to the points-based system this year.\u201d",
    "Business groups warned that a further squeeze would hit sectors that depend on overseas staff. "
    "\u201cHospitality and social care cannot simply switch off recruitment overnight,\u201d said Lorna "
    "Beattie of the Northern Employers' Forum.",
    "Official estimates for the year to December are due in the spring.",
]

THORNMOOR = [
    "Detainees at Thornmoor Immigration Removal Centre were held in segregation for up to 39 days, an "
    "independent monitoring board has found, in a report that describes the practice as "
    "\u201cunacceptable\u201d.",
    "The board's annual report says 47 men spent more than 14 days in the centre's separation unit during "
    "the year to November 2024, compared with 19 the previous year.",
    "In a survey carried out for the report, 62 per cent of detainees said they had felt unsafe at some "
    "point, and 41 per cent said they had not been able to see a doctor when they needed to.",
    "The board's chair, Fiona Adeyemi-Clarke, said: \u201cSegregation should be a last resort, used for "
    "as short a time as possible. At Thornmoor it has become a routine way of managing men who are "
    "distressed, many of whom have a history of trauma.\u201d",
    "The centre, on the edge of Marsham Moor, holds up to 392 men. It is run by the contractor Castlegate "
    "Services on behalf of the Home Office.",
    "Castlegate Services said it had recruited 30 extra staff since the period covered by the report and "
    "was \u201ccommitted to the safety and dignity of everyone in our care\u201d.",
    "The report also found that the average length of detention had risen to 54 days, and that 11 men had "
    "been held for more than six months.",
    "Campaigners called for the centre to be closed. \u201cEvery year the board says the same things, and "
    "every year nothing changes,\u201d said Nadia Haddad of the Close Thornmoor Campaign.",
]

ESOL = [
    "More than 400 adults are on a waiting list for English classes at Wessmouth College after a \u00a31.2m "
    "cut to its adult education budget, the college has said.",
    "The college has reduced its English for Speakers of Other Languages (ESOL) courses from 38 to 24 "
    "groups this academic year, and some learners have been told they may have to wait until September.",
    "Ren\u00e9e Fournier, who leads the college's ESOL department, said demand had never been higher. "
    "\u201cWe have refugees, spouses, care workers and people who have lived here for 20 years and never "
    "had the chance to learn. Every one of them wants to work, to help their children with homework, to "
    "talk to their GP without an interpreter,\u201d she said.",
    "Jos\u00e9 Almeida, 34, who ran a caf\u00e9 in Porto before moving to Wessmouth with his wife, a nurse, "
    "has been on the waiting list since October. \u201cI can order things, I can say hello. But I cannot "
    "do a job interview in English yet. I want to open a caf\u00e9 here, but first I need the language,"
    "\u201d he said.",
    "The Wessmouth Refugee Forum said about 150 of those waiting were refugees who had been given leave "
    "to remain in the past two years. Its chair, Samuel Okafor, said: \u201cIntegration starts with "
    "English. Cutting these classes is a false economy.\u201d",
    "Wessmouth and District Combined Authority, which funds the courses, said its adult skills budget had "
    "been reduced by 9 per cent and that it had \u201cprotected ESOL as far as possible\u201d.",
    "A 30-week course costs the college about \u00a3640 per learner.",
]

OAKHURST = [
    "A hotel on the outskirts of Oakhurst will be used to house up to 120 asylum seekers from March, the "
    "district council has been told.",
    "Oakhurst District Council said it was informed on Thursday by the Home Office's accommodation "
    "contractor that the Beacon Lodge Hotel on Station Road would be used for single adult men.",
    "Council leader Martin Greaves said: \u201cWe were given 48 hours' notice of a decision that affects "
    "a whole town. We have no objection to helping people who need it, but this is not how it should be "
    "done.\u201d",
    "The contractor, Harbourne Housing Services, said staff would be on site 24 hours a day and that it "
    "would work with local health services and the police.",
    "It will be the first hotel in the district to be used as asylum accommodation. About 29,585 asylum "
    "seekers were housed in hotels across the UK at the end of September, according to official figures.",
    "Oakhurst Churches Together said it was planning a welcome event. The Reverend Ellen Marsh said: "
    "\u201cThese are men who have fled war and persecution. We want them to know that Oakhurst is a kind "
    "place.\u201d",
    "A public meeting about the plans will be held at Oakhurst Town Hall on 20 February.",
]

CARE_VISAS = [
    "Care providers in Eastfield say they are struggling to fill shifts after a 68 per cent fall in visa "
    "applications from overseas care workers.",
    "Home Office figures show 5,860 applications for health and care worker visas in the three months to "
    "December, down from 18,310 in the same period a year earlier.",
    "Since last March, care workers recruited from abroad have not been able to bring family members with "
    "them, and employers must be registered with the care regulator to sponsor them.",
    "Sandra Kowalczyk, who runs three care homes in Eastfield with 140 residents between them, said she "
    "had 22 vacancies. \u201cWe used to get fifty applications for every job we advertised abroad. Now we "
    "get none we can sponsor, and local recruitment has not filled the gap,\u201d she said.",
    "The Eastfield and District Care Association said one in nine care posts in the area was vacant.",
    "Migration minister Sarah Breckon said: \u201cSocial care must not depend on overseas recruitment. We "
    "are working with employers to train and keep staff here, and to stamp out the exploitation we saw "
    "under the old rules.\u201d",
    "Care Workers United, a union, said many overseas workers already in the UK had been left without "
    "work after their sponsors lost their licences. \u201cThese are people who came here in good faith,"
    "\u201d said its regional organiser, Kelvin Amadi.",
]

LIFEBOAT = [
    "Volunteer lifeboat crews rescued 61 people, including nine children, from an overcrowded inflatable "
    "boat in the Channel on Sunday morning.",
    "The coastguard was alerted at about 4.40am after the dinghy's engine failed in heavy swell around 10 "
    "miles off the Kent coast.",
    "Two lifeboats from the Saltmarsh Point station reached the boat within 40 minutes. Border Force "
    "vessels then took the group to Dover.",
    "Helmsman Craig Ferris said: \u201cThe boat was low in the water and taking on water at the back. "
    "People were cold and frightened, and some had no life jackets. Another hour and this could have been "
    "a very different story.\u201d",
    "Three people were taken to hospital with hypothermia.",
    "It was the first recorded crossing for nine days, after a spell of strong winds. The rescue comes "
    "days after figures showed 1,214 people crossed the Channel in January.",
]

FAMILY_VISA = [
    "A Fenwick man says he has been separated from his wife for 18 months because he does not earn enough "
    "to sponsor her visa.",
    "Lewis Harland, 29, a bus driver, married Mei Ling Tan in Kuala Lumpur in 2023. To bring her to the UK "
    "on a spouse visa he must show earnings of at least \u00a329,000 a year, a threshold raised from "
    "\u00a318,600 in April 2024.",
    "Mr Harland earns \u00a326,400. \u201cI work full time, I pay my taxes, and I'm told I can't live with "
    "my own wife in my own country,\u201d he said. \u201cWe talk every night on video, but that is not a "
    "marriage.\u201d",
    "Ms Tan, a pharmacist, said she had been offered two jobs in England. \u201cBut my salary doesn't "
    "count until I am living there, and I can't live there until Lewis earns more,\u201d she said.",
    "Families Apart Fenwick, a support group set up last year, says it is in touch with 37 local families "
    "affected by the rule.",
    "Its founder, Dr Rachel Imrie, said: \u201cThe threshold takes no account of where you live. "
    "\u00a329,000 is a very different salary in Fenwick than it is in central London.\u201d",
    "The Migration Advisory Committee is reviewing the financial requirement for family visas and is "
    "expected to report later this year.",
]

BACKLOG = [
    "87,412 people were waiting for an initial decision on their asylum claim at the end of December, "
    "according to Home Office figures.",
    "Of those, 52,190 had been waiting for more than six months.",
    "Caseworkers made 23,780 initial decisions in the final three months of 2024, granting protection in "
    "47 per cent of cases.",
    "But the number of appeals waiting to be heard by the immigration tribunal has risen to 41,600, from "
    "12,300 a year earlier.",
    "Dr Hugh Lennox of the Migration Evidence Unit, an independent research group, said: \u201cThe backlog "
    "of initial decisions is falling, but the appeals backlog is growing just as fast. People who are "
    "refused are appealing, and many are waiting more than a year for a hearing.\u201d",
    "Asylum minister Alan Marchetti said: \u201cWe have cleared thousands of cases and we are cutting the "
    "cost of asylum accommodation, but there is much more to do.\u201d",
    "In the Fenwick district, 64 asylum seekers are living in dispersed accommodation while they wait "
    "for a decision, according to the district council.",
]

CAR_WASH_TEASER = [
    "At 6am on a Thursday in late January, eleven immigration enforcement officers gathered in a "
    "supermarket car park on the edge of Fenwick. Their target was a hand car wash three streets away, "
    "where intelligence suggested at least five men were working without the right to do so.",
    "The Courier spent a week with the team as part of a national campaign that officials say led to 609 "
    "arrests for illegal working in January alone, up 48 per cent on the same month last year.",
]
