"""English report: Kim Jong Un and Putin discuss the satellite programme amid arms-deal speculation."""

DOC_ID = "004_943f27995bdec5c1"

# (surface, occurrence of the surface in the text, type, entity id[, key for relations])
MENTIONS = [
    # line 1
    ("Kim Jong Un", 1, "PER", "kim_jong_un"),
    ("Putin", 1, "PER", "vladimir_putin"),
    # line 6
    ("Russia", 1, "GPE", "russia", "ru6"),
    ("North Korean", 1, "GPE", "north_korea", "nk6"),
    ("Kim Jong Un", 2, "PER", "kim_jong_un", "kim6"),
    ("Russian", 1, "GPE", "russia", "ru6b"),
    ("Vladimir Putin", 1, "PER", "vladimir_putin", "putin6"),
    ("Vostochny space centre", 1, "FAC", "vostochny_cosmodrome", "vost6"),
    ("Kim", 3, "PER", "kim_jong_un", "kim6b"),
    ("armored train", 1, "VEHICLE", "armored_train", "train6"),
    # line 8
    ("Putin", 3, "PER", "vladimir_putin", "putin8"),
    ("Pyongyang", 1, "GPE", "pyongyang", "pyongyang8"),
    ("satellites", 1, "VEHICLE", "satellite", "sat8"),
    ("U.S.", 1, "GPE", "united_states"),
    ("Moscow", 1, "GPE", "moscow", "moscow8"),
    ("battle against Ukraine", 1, "EVENT", "war_in_ukraine", "war8"),
    ("U.S.", 2, "GPE", "united_states"),
    ("North Korea", 2, "GPE", "north_korea"),
    ("UN Security Council", 1, "ORG", "un_security_council"),
    # line 10
    ("North Korea", 3, "GPE", "north_korea", "nk10"),
    ("Putin", 4, "PER", "vladimir_putin", "putin10"),
    ("Kim", 4, "PER", "kim_jong_un"),
    ("the West", 1, "GPE", "the_west", "west10"),
    # line 12
    ("Kim", 5, "PER", "kim_jong_un", "kim12"),
    ("Putin", 5, "PER", "vladimir_putin"),
    ("Russia", 3, "GPE", "russia", "ru12"),
    ("extreme east", 1, "LOC", "russian_far_east", "east12"),
    ("Russian", 2, "GPE", "russia"),
    ("Putin", 6, "PER", "vladimir_putin"),
    ("Kim", 6, "PER", "kim_jong_un"),
    # line 14
    ("Soviet Union", 1, "GPE", "soviet_union", "ussr14"),
    ("North Korean", 2, "GPE", "north_korea", "nk14"),
    ("Putin", 7, "PER", "vladimir_putin"),
    ("Russian", 3, "GPE", "russia"),
    ("Russia", 6, "GPE", "russia", "ru14"),
    ("North Korea", 5, "GPE", "north_korea", "nk14b"),
    ("Putin", 8, "PER", "vladimir_putin"),
    ("Vostochny Cosmodrome", 1, "FAC", "vostochny_cosmodrome"),
    # line 16
    ("Putin", 9, "PER", "vladimir_putin"),
    ("Kim", 7, "PER", "kim_jong_un", "kim16"),
    ("Putin", 10, "PER", "vladimir_putin", "putin16"),
    ("war in Ukraine", 1, "EVENT", "war_in_ukraine", "war16"),
    ("Russia", 7, "GPE", "russia", "ru16"),
    ("the West", 2, "GPE", "the_west", "west16"),
    # line 18
    ("Kim", 8, "PER", "kim_jong_un", "kim18"),
    ("Russian", 4, "GPE", "russia", "ru18"),
    ("warships", 1, "VEHICLE", "warship", "warships18"),
    ("Vladivostok", 1, "GPE", "vladivostok", "vladivostok18"),
    ("Russia", 9, "GPE", "russia"),
    # line 20
    ("military surveillance satellite", 1, "WEAPON", "spy_satellite", "spysat20"),
    ("North Korea", 6, "GPE", "north_korea", "nk20"),
    ("U.S.", 3, "GPE", "united_states"),
    ("ballistic missile", 1, "WEAPON", "ballistic_missile", "bm20"),
    # line 22
    ("Russia", 10, "GPE", "russia"),
    ("North Korean", 3, "GPE", "north_korea"),
    ("U.S.", 4, "GPE", "united_states", "us22"),
    ("State Department", 1, "ORG", "us_state_department", "state22"),
    ("UN Security Council", 2, "ORG", "un_security_council"),
    ("Russia", 11, "GPE", "russia"),
    # line 24
    ("Vladivostok", 2, "GPE", "vladivostok", "vladivostok24"),
    ("Putin", 11, "PER", "vladimir_putin", "putin24"),
    ("Kim", 9, "PER", "kim_jong_un", "kim24"),
    ("train", 2, "VEHICLE", "armored_train"),
    ("Vostochny", 3, "FAC", "vostochny_cosmodrome"),
    ("journey", 3, "EVENT", "2019_russia_north_korea_summit", "journey24"),
    ("Putin", 12, "PER", "vladimir_putin"),
    ("North Korea", 8, "GPE", "north_korea", "nk24"),
    ("nuclear disarmament discussions", 1, "EVENT", "north_korea_us_denuclearization_talks", "talks24"),
    ("U.S.", 5, "GPE", "united_states", "us24"),
    ("Donald Trump", 1, "PER", "donald_trump", "trump24"),
    ("2019", 1, "DATE", "2019", "y2019"),
    # line 26
    ("Kim", 10, "PER", "kim_jong_un"),
    ("North Korea", 9, "GPE", "north_korea", "nk26"),
    ("short-range missiles", 1, "WEAPON", "short_range_missile", "srm26"),
    ("the sea", 1, "LOC", "sea_of_japan"),
    ("east coast", 1, "LOC", "north_korea_east_coast", "coast26"),
    ("Russian", 5, "GPE", "russia", "ru26"),
    ("visit", 4, "EVENT", "2023_russian_delegation_visit_to_north_korea", "visit26"),
    ("North Korea", 10, "GPE", "north_korea", "nk26b"),
    ("July", 1, "DATE", "2023_07", "jul26"),
    ("Kim", 11, "PER", "kim_jong_un", "kim26"),
    ("Pyongyang", 2, "GPE", "pyongyang", "pyongyang26"),
    ("missiles", 2, "WEAPON", "missile", "missiles26"),
    ("Sergei Shoigu", 1, "PER", "sergei_shoigu", "shoigu26"),
    ("Hwasong intercontinental ballistic missile", 1, "WEAPON", "hwasong", "hwasong26"),
    # line 28
    ("Kim", 12, "PER", "kim_jong_un", "kim28"),
    ("Covid", 1, "EVENT", "covid_19_pandemic"),
    ("Pyongyang", 3, "GPE", "pyongyang", "pyongyang28"),
    ("Russia", 13, "GPE", "russia", "ru28"),
    ("Putin", 13, "PER", "vladimir_putin"),
    # line 30
    ("Russia", 14, "GPE", "russia", "ru30a"),
    ("North Korea", 11, "GPE", "north_korea", "nk30a"),
    ("Russia", 15, "GPE", "russia", "ru30b"),
    ("North Korea", 12, "GPE", "north_korea", "nk30b"),
    ("U.S.", 6, "GPE", "united_states", "us30"),
    ("Pyongyangs", 1, "GPE", "pyongyang"),
    ("North Korean", 4, "GPE", "north_korea"),
    ("Russia", 16, "GPE", "russia"),
    ("Ukraine", 3, "GPE", "ukraine"),
    ("Nato", 1, "ORG", "nato", "nato30"),
    ("North Korea", 14, "GPE", "north_korea", "nk30c"),
]

# (relation type, head key, tail key)
RELATIONS = [
    # line 6: Kim's journey to Russia; the two leaders' offices; the meeting at Vostochny; Kim's armored train
    ("visited", "kim6", "ru6"),
    ("leader_of", "kim6", "nk6"),
    ("leader_of", "putin6", "ru6b"),
    ("met_with", "kim6", "putin6"),
    ("visited", "kim6", "vost6"),
    ("visited", "putin6", "vost6"),
    ("develops", "kim6b", "train6"),
    # line 8: support for Pyongyang's satellites; Moscow seeking weapons (from Pyongyang) for its battle against Ukraine
    ("supplies", "putin8", "pyongyang8"),
    ("develops", "pyongyang8", "sat8"),
    ("seeks_support_from", "moscow8", "pyongyang8"),
    ("participated_in", "moscow8", "war8"),
    # line 10: Putin accepts an invitation to North Korea; both countries at odds with the West
    ("visited", "putin10", "nk10"),
    ("in_conflict_with", "nk10", "west10"),
    # line 12: the journey to Russia's extreme east
    ("visited", "kim12", "east12"),
    ("located_in", "east12", "ru12"),
    # line 14: Soviet-North Korean historical ties; Russia aiding North Korea with satellites ('this is why we've come')
    ("allied_with", "ussr14", "nk14"),
    ("supplies", "ru14", "nk14b"),
    # line 16: Kim backs Putin's war in Ukraine; Russia's fight against the West
    ("allied_with", "kim16", "putin16"),
    ("participated_in", "putin16", "war16"),
    ("in_conflict_with", "ru16", "west16"),
    # line 18: Russian warships; a stop in Vladivostok
    ("develops", "ru18", "warships18"),
    ("visited", "kim18", "vladivostok18"),
    # line 20: the military surveillance satellite; ballistic missile capabilities
    ("develops", "nk20", "spysat20"),
    ("develops", "nk20", "bm20"),
    # line 22: the U.S. State Department
    ("member_of", "state22", "us22"),
    # line 24: Putin in Vladivostok; Kim's 2019 journey; the talks with Donald Trump that broke down in 2019
    ("visited", "putin24", "vladivostok24"),
    ("participated_in", "kim24", "journey24"),
    ("participated_in", "nk24", "talks24"),
    ("participated_in", "trump24", "talks24"),
    ("leader_of", "trump24", "us24"),
    ("took_place_on", "talks24", "y2019"),
    # line 26: missile launches off the east coast; the Russian delegation's July visit; Kim shows Shoigu Pyongyang's missiles
    ("develops", "nk26", "srm26"),
    ("located_in", "coast26", "nk26"),
    ("participated_in", "ru26", "visit26"),
    ("took_place_at", "visit26", "nk26b"),
    ("took_place_on", "visit26", "jul26"),
    ("visited", "shoigu26", "nk26b"),
    ("member_of", "shoigu26", "ru26"),
    ("met_with", "kim26", "shoigu26"),
    ("develops", "pyongyang26", "missiles26"),
    ("develops", "pyongyang26", "hwasong26"),
    # line 28: food aid (from Russia); Pyongyang may seek technology from Russia
    ("seeks_support_from", "kim28", "ru28"),
    ("seeks_support_from", "pyongyang28", "ru28"),
    # line 30: sanctions the U.S. leverages; sanctions consolidating Russia and North Korea; Nato against North Korea
    ("sanctions", "us30", "ru30a"),
    ("sanctions", "us30", "nk30a"),
    ("allied_with", "ru30b", "nk30b"),
    ("in_conflict_with", "nato30", "nk30c"),
]
