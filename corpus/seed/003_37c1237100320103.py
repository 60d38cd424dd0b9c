"""AP report (Seoul, 13 September 2023): how the meeting at a Russian spaceport may hint at Kim's space and weapons ambitions."""

DOC_ID = "003_37c1237100320103"

# (surface, occurrence of the surface in the text, type, entity id[, key for relations])
MENTIONS = [
    # line 1
    ("Kim", 1, "PER", "kim_jong_un"),
    ("Putin", 1, "PER", "vladimir_putin"),
    ("Russian", 1, "GPE", "russia"),
    # line 3
    ("SEOUL", 1, "GPE", "seoul", "seoul3"),
    ("South Korea", 1, "GPE", "south_korea", "sk3"),
    ("AP", 1, "ORG", "associated_press"),
    ("North Korean", 1, "GPE", "north_korea", "nk3"),
    ("Kim Jong Un", 1, "PER", "kim_jong_un", "kim3"),
    ("Russian", 2, "GPE", "russia", "ru3"),
    ("Vladimir Putin", 1, "PER", "vladimir_putin", "putin3"),
    ("Siberia", 1, "LOC", "siberia", "siberia3"),
    ("Wednesday", 1, "DATE", "2023_09_13"),
    # line 5
    ("the West", 1, "GPE", "the_west", "west5"),
    # line 7
    ("Vostochny Cosmodrome", 1, "FAC", "vostochny_cosmodrome", "vost7"),
    ("Kim", 3, "PER", "kim_jong_un", "kim7"),
    ("nuclear weapon", 1, "WEAPON", "nuclear_weapon", "nukes7"),
    ("United States", 1, "GPE", "united_states", "us7"),
    ("Asia", 1, "LOC", "asia"),
    # line 9
    ("North Korea", 2, "GPE", "north_korea", "nk9"),
    ("Putin", 3, "PER", "vladimir_putin", "putin9"),
    ("war in Ukraine", 1, "EVENT", "war_in_ukraine", "war9"),
    ("Kim", 4, "PER", "kim_jong_un", "kim9"),
    # line 11
    ("Kim", 5, "PER", "kim_jong_un", "kim11"),
    ("Russian", 3, "GPE", "russia", "ru11"),
    ("military satellites", 1, "WEAPON", "spy_satellite"),
    ("Kim", 6, "PER", "kim_jong_un"),
    ("the North", 1, "GPE", "north_korea", "nk11"),
    ("nuclear-capable missiles", 1, "WEAPON", "nuclear_capable_missile"),
    ("submarines", 1, "WEAPON", "nuclear_capable_submarine"),
    # line 13
    ("Russia", 4, "GPE", "russia", "ru13"),
    ("North Korean", 2, "GPE", "north_korea", "nk13"),
    # line 15
    ("Kim", 7, "PER", "kim_jong_un", "kim15"),
    ("Russia", 5, "GPE", "russia", "ru15"),
    # line 17
    ("Spy satellite", 1, "WEAPON", "spy_satellite"),
    # line 19
    ("Kim", 8, "PER", "kim_jong_un", "kim19"),
    ("Russia", 6, "GPE", "russia", "ru19"),
    ("North Korea", 4, "GPE", "north_korea", "nk19"),
    ("military spy satellite", 1, "WEAPON", "spy_satellite", "spysat19"),
    ("orbit", 1, "LOC", "orbit"),
    ("third attempt", 1, "EVENT", "north_korea_satellite_launch_third_attempt", "third19"),
    ("spy satellite", 2, "WEAPON", "spy_satellite"),
    ("October", 1, "DATE", "2023_10", "oct19"),
    # line 21
    ("satellite", 6, "VEHICLE", "satellite"),
    ("US", 1, "GPE", "united_states"),
    ("South Korean", 1, "GPE", "south_korea"),
    # line 23
    ("North Korea", 5, "GPE", "north_korea", "nk23"),
    ("first launch failure", 1, "EVENT", "north_korea_satellite_launch_2023_05", "launch23"),
    ("May", 1, "DATE", "2023_05", "may23"),
    ("South Korea", 3, "GPE", "south_korea"),
    ("space", 3, "LOC", "outer_space"),
    ("the North", 2, "GPE", "north_korea"),
    # line 25
    ("North Korean", 3, "GPE", "north_korea", "nk25"),
    ("Russia", 7, "GPE", "russia", "ru25"),
    ("Pak Thae Song", 1, "PER", "pak_thae_song", "pak25"),
    ("space science and technology committee", 1, "ORG", "space_science_and_technology_committee", "committee25"),
    ("spy satellite", 3, "WEAPON", "spy_satellite", "spysat25"),
    ("Kim", 9, "PER", "kim_jong_un"),
    ("Russian", 4, "GPE", "russia"),
    # line 27
    ("spy satellites", 1, "WEAPON", "spy_satellite", "spysat27"),
    ("Kim", 10, "PER", "kim_jong_un", "kim27"),
    ("political summit", 1, "EVENT", "wpk_8th_congress", "congress27"),
    ("2021", 1, "DATE", "2021", "y2021"),
    # line 29
    ("Kim", 11, "PER", "kim_jong_un", "kim29"),
    ("Putin", 4, "PER", "vladimir_putin"),
    ("war on Ukraine", 1, "EVENT", "war_in_ukraine"),
    ("missiles", 2, "WEAPON", "missile", "missiles29"),
    ("2022", 1, "DATE", "2022"),
    ("short-range launches", 1, "EVENT", "north_korea_missile_launches_2023_09_13", "launches29"),
    ("the sea", 1, "LOC", "sea_of_japan", "sea29"),
    ("Wednesday", 2, "DATE", "2023_09_13", "wed29"),
    # line 31
    ("Kim", 12, "PER", "kim_jong_un"),
    ("Pyongyang", 1, "GPE", "pyongyang"),
    # line 33
    ("Kim", 13, "PER", "kim_jong_un"),
    # line 35
    ("the North", 3, "GPE", "north_korea", "nk35"),
    ("spy satellite", 5, "WEAPON", "spy_satellite"),
    ("aerospace center", 1, "FAC", "north_korea_aerospace_center", "aerospace35"),
    ("April", 1, "DATE", "2023_04"),
    ("first launch", 2, "EVENT", "north_korea_satellite_launch_2023_05"),
    ("Kim", 14, "PER", "kim_jong_un", "kim35"),
    # line 37
    ("North Korea", 7, "GPE", "north_korea", "nk37"),
    ("satellite", 10, "VEHICLE", "satellite", "sat37"),
    ("orbit", 2, "LOC", "orbit"),
    ("2012", 1, "DATE", "2012"),
    ("2016", 1, "DATE", "2016"),
    ("satellites", 3, "VEHICLE", "satellite"),
    ("North Korea", 8, "GPE", "north_korea"),
    # line 39
    ("UN Security Council", 1, "ORG", "un_security_council", "unsc39"),
    ("North Korea", 9, "GPE", "north_korea", "nk39"),
    ("long-range ballistic missile", 1, "WEAPON", "long_range_ballistic_missile", "lrbm39"),
    # line 42
    ("Kim", 15, "PER", "kim_jong_un", "kim42"),
    ("intercontinental ballistic missiles", 1, "WEAPON", "icbm", "icbm42"),
    ("US", 2, "GPE", "united_states"),
    ("space launch rockets", 1, "VEHICLE", "launch_vehicle"),
    # line 44
    ("North Korea", 10, "GPE", "north_korea", "nk44"),
    ("ICBM", 1, "WEAPON", "icbm"),
    ("missiles", 4, "WEAPON", "missile", "missiles44"),
    ("warheads", 1, "WEAPON", "warhead"),
    ("missile defenses", 1, "WEAPON", "missile_defense"),
    # line 46
    ("This year", 1, "DATE", "2023"),
    ("North Korea", 11, "GPE", "north_korea", "nk46"),
    ("missile", 7, "WEAPON", "missile"),
    ("solid-propellant ICBM", 1, "WEAPON", "solid_fuel_icbm", "sficbm46"),
    ("Hwasong-18", 1, "WEAPON", "hwasong_18", "hwasong46"),
    ("US", 3, "GPE", "united_states"),
    # line 48
    ("North Korea", 12, "GPE", "north_korea", "nk48"),
    ("ICBMs", 1, "WEAPON", "icbm", "icbm48"),
    ("ICBM", 4, "WEAPON", "icbm"),
]

# (relation type, head key, tail key)
RELATIONS = [
    # line 3: dateline; the meeting in Siberia and the two leaders' offices
    ("located_in", "seoul3", "sk3"),
    ("leader_of", "kim3", "nk3"),
    ("leader_of", "putin3", "ru3"),
    ("met_with", "kim3", "putin3"),
    ("visited", "kim3", "siberia3"),
    ("visited", "putin3", "siberia3"),
    # line 5: military cooperation between the leaders, tensions with the West
    ("allied_with", "kim3", "putin3"),
    ("in_conflict_with", "kim3", "west5"),
    ("in_conflict_with", "putin3", "west5"),
    # line 7: the meeting at Vostochny (the launch facility in Siberia); a nuclear weapon that could threaten the US
    ("visited", "kim7", "vost7"),
    ("visited", "putin3", "vost7"),
    ("located_in", "vost7", "siberia3"),
    ("develops", "kim7", "nukes7"),
    ("in_conflict_with", "kim7", "us7"),
    # line 9: weapons Putin may covet for his war; Kim could ask (Putin) for aid in exchange
    ("seeks_support_from", "putin9", "nk9"),
    ("participated_in", "putin9", "war9"),
    ("seeks_support_from", "kim9", "putin9"),
    # line 11: Kim pushes for Russian technology transfers; the North may seek technologies (from Russia)
    ("seeks_support_from", "kim11", "ru11"),
    ("seeks_support_from", "nk11", "ru11"),
    # line 13: North Korean weapons delivered (to Russia)
    ("supplies", "nk13", "ru13"),
    # line 15: where Kim's arsenal could help Russia
    ("supplies", "kim15", "ru15"),
    # line 19: Kim's visit to Russia; the spy satellite and the third attempt in October
    ("visited", "kim19", "ru19"),
    ("develops", "nk19", "spysat19"),
    ("participated_in", "nk19", "third19"),
    ("took_place_on", "third19", "oct19"),
    # line 23: the first launch failure, in May
    ("participated_in", "nk23", "launch23"),
    ("took_place_on", "launch23", "may23"),
    # line 25: Pak Thae Song in Russia, chairman of the country's committee that handles the spy satellite project
    ("member_of", "pak25", "nk25"),
    ("visited", "pak25", "ru25"),
    ("leader_of", "pak25", "committee25"),
    ("member_of", "committee25", "nk25"),
    ("develops", "committee25", "spysat25"),
    # line 27: weapons Kim vowed to develop at the 2021 political summit
    ("develops", "kim27", "spysat27"),
    ("participated_in", "kim27", "congress27"),
    ("took_place_on", "congress27", "y2021"),
    # line 29: missile tests; two short-range launches to the sea on Wednesday
    ("develops", "kim29", "missiles29"),
    ("participated_in", "kim29", "launches29"),
    ("took_place_at", "launches29", "sea29"),
    ("took_place_on", "launches29", "wed29"),
    # line 35: Kim inspects the spy satellite at the country's aerospace center
    ("visited", "kim35", "aerospace35"),
    ("located_in", "aerospace35", "nk35"),
    # line 37: North Korea's satellites of 2012 and 2016
    ("develops", "nk37", "sat37"),
    # line 39: UN sanctions; long-range ballistic missile tests
    ("sanctions", "unsc39", "nk39"),
    ("develops", "nk39", "lrbm39"),
    # line 42: Kim's ICBMs
    ("develops", "kim42", "icbm42"),
    # line 44: missiles that could deliver multiple warheads
    ("develops", "nk44", "missiles44"),
    # line 46: the Hwasong-18, a solid-propellant ICBM
    ("develops", "nk46", "hwasong46"),
    ("develops", "nk46", "sficbm46"),
    # line 48: North Korea's (liquid-fuelled) ICBMs
    ("develops", "nk48", "icbm48"),
]
