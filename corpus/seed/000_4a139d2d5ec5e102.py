"""DW Kiswahili, 13 September 2023: the Kim-Putin meeting at Vostochny (Swahili, with a German photo alt text)."""

DOC_ID = "000_4a139d2d5ec5e102"

# The source text glues these to the neighbouring word (a section label and two photo credits).
GLUED = {("Korea Kaskazini", 1), ("Urusi", 3), ("angani", 2)}

# (surface, occurrence of the surface in the text, type, entity id[, key for relations])
MENTIONS = [
    # line 3
    ("DW", 1, "ORG", "deutsche_welle"),
    # line 4
    ("Korea Kaskazini", 1, "GPE", "north_korea"),
    # line 6
    ("Kim", 1, "PER", "kim_jong_un"),
    ("Putin", 1, "PER", "vladimir_putin"),
    ("Kim", 2, "PER", "kim_jong_un"),
    # line 8
    ("13 Septemba 2023", 1, "DATE", "2023_09_13"),
    # line 10
    ("Korea Kaskazini", 2, "GPE", "north_korea", "nk10"),
    ("Kim Jong Un", 1, "PER", "kim_jong_un", "kim10"),
    ("Urusi", 1, "GPE", "russia", "ru10"),
    ("Vladmir Putin", 1, "PER", "vladimir_putin", "putin10"),
    # line 13
    ("Russland", 1, "GPE", "russia"),
    ("Kim Jong Un", 2, "PER", "kim_jong_un"),
    ("Wladimir Putin", 1, "PER", "vladimir_putin"),
    # line 14
    ("Korea Kaskazini", 3, "GPE", "north_korea"),
    ("Kim John Un", 1, "PER", "kim_jong_un", "kim14"),
    ("Urusi", 2, "GPE", "russia"),
    ("Vladimir Putin", 1, "PER", "vladimir_putin", "putin14"),
    ("Vostochny cosmodrome", 1, "FAC", "vostochny_cosmodrome", "vost14"),
    ("Urusi", 3, "GPE", "russia", "ru14"),
    ("Vladimir Smirnov", 1, "PER", "vladimir_smirnov"),
    ("Sputnik", 1, "ORG", "sputnik"),
    ("Kremlin", 1, "ORG", "kremlin"),
    ("AP", 1, "ORG", "associated_press"),
    ("picture alliance", 1, "ORG", "picture_alliance"),
    # line 16
    ("magharibi", 1, "GPE", "the_west", "west16"),
    # line 18
    ("Vostochny Cosmodrome", 1, "FAC", "vostochny_cosmodrome"),
    ("Kim", 6, "PER", "kim_jong_un", "kim18"),
    ("silaha za nyuklia", 1, "WEAPON", "nuclear_weapon", "nukes18"),
    ("Marekani", 1, "GPE", "united_states", "us18"),
    ("Asia", 1, "LOC", "asia"),
    # line 20
    ("Kim Jong Un", 3, "PER", "kim_jong_un", "kim20"),
    ("Urusi", 4, "GPE", "russia", "ru20"),
    ("Putin", 5, "PER", "vladimir_putin"),
    # line 22
    ("Kim", 8, "PER", "kim_jong_un", "kim22a"),
    ("Korea Kaskazini", 4, "GPE", "north_korea", "nk22"),
    ("Putin", 6, "PER", "vladimir_putin", "putin22"),
    ("vita vyake nchini Ukraine", 1, "EVENT", "war_in_ukraine", "war22"),
    ("Korea Kaskazini", 5, "GPE", "north_korea"),
    # line 24
    ("Kim", 9, "PER", "kim_jong_un"),
    ("Urusi", 5, "GPE", "russia", "ru24"),
    ("satelaiti za uchunguzi wa kijeshi", 1, "WEAPON", "spy_satellite"),
    ("Kim", 10, "PER", "kim_jong_un"),
    ("Korea Kaskazini", 6, "GPE", "north_korea", "nk24"),
    ("makombora", 1, "WEAPON", "nuclear_capable_missile"),
    ("manowari zenye uwezo wa nyuklia", 1, "WEAPON", "nuclear_capable_submarine"),
    # line 26
    ("Kim Jong Un", 4, "PER", "kim_jong_un"),
    ("Urusi", 6, "GPE", "russia"),
    # line 28
    ("Urusi", 7, "GPE", "russia", "ru28"),
    ("Korea Kaskazini", 7, "GPE", "north_korea", "nk28"),
    # line 30
    ("Kim", 12, "PER", "kim_jong_un"),
    ("Urusi", 8, "GPE", "russia"),
    ("Korea Kaskazini", 8, "GPE", "north_korea", "nk30"),
    ("satelaiti yake ya kwanza ya kijasusi wa kijeshi", 1, "WEAPON", "spy_satellite", "spysat30"),
    ("obiti", 1, "LOC", "orbit"),
    ("jaribio la tatu", 1, "EVENT", "north_korea_satellite_launch_third_attempt", "third30"),
    ("satelaiti hiyo ya kijasusi", 1, "WEAPON", "spy_satellite"),
    ("Oktoba", 1, "DATE", "2023_10", "oct30"),
    # line 32
    ("Kim", 13, "PER", "kim_jong_un"),
    ("Satelaiti", 1, "VEHICLE", "satellite"),
    # line 34 (a photo caption, repeated on line 35 with its credit)
    ("Satelaiti", 2, "VEHICLE", "satellite", "sat34"),
    ("Urusi", 9, "GPE", "russia", "ru34"),
    ("angani", 1, "LOC", "outer_space"),
    # line 35
    ("Satelaiti", 3, "VEHICLE", "satellite"),
    ("Urusi", 10, "GPE", "russia"),
    ("angani", 2, "LOC", "outer_space"),
    ("Roscosmos Press Office", 1, "ORG", "roscosmos_press_office"),
    ("TASS", 1, "ORG", "tass"),
    ("dpa", 1, "ORG", "dpa"),
    ("picture alliance", 2, "ORG", "picture_alliance"),
    # line 37
    ("satelaiti", 5, "VEHICLE", "satellite"),
    ("Marekani", 2, "GPE", "united_states"),
    ("Korea Kusini", 1, "GPE", "south_korea"),
    # line 39
    ("urushaji wa kwanza", 1, "EVENT", "north_korea_satellite_launch_2023_05", "launch39"),
    ("Korea Kaskazini", 9, "GPE", "north_korea", "nk39"),
    ("Mei", 1, "DATE", "2023_05", "may39"),
    ("Korea Kusini", 2, "GPE", "south_korea"),
    ("angani", 3, "LOC", "outer_space"),
    ("Kaskazini", 10, "GPE", "north_korea"),
    # line 41
    ("Kim Jong Un", 5, "PER", "kim_jong_un", "kim41"),
    ("Urusi", 11, "GPE", "russia", "ru41"),
    # line 43
    ("Korea Kaskazini", 10, "GPE", "north_korea", "nk43"),
    ("Urusi", 12, "GPE", "russia", "ru43a"),
    ("Pak Thae Song", 1, "PER", "pak_thae_song", "pak43"),
    ("kamati ya sayansi na teknolojia ya anga za juu", 1, "ORG", "space_science_and_technology_committee", "committee43"),
    ("satelaiti za kijasusi", 1, "WEAPON", "spy_satellite", "spysat43a"),
    ("Kim", 15, "PER", "kim_jong_un", "kim43a"),
    ("Urusi", 13, "GPE", "russia", "ru43b"),
    ("Satelaiti za kijasusi", 1, "WEAPON", "spy_satellite", "spysat43b"),
    ("Kim", 16, "PER", "kim_jong_un", "kim43b"),
    ("mkutano mkuu wa kisiasa", 1, "EVENT", "wpk_8th_congress", "congress43"),
    ("2021", 1, "DATE", "2021", "y2021"),
    # line 45
    ("Korea Kaskazini", 11, "GPE", "north_korea", "nk45a"),
    ("satelaiti", 7, "VEHICLE", "satellite", "sat45a"),
    ("angani", 4, "LOC", "outer_space"),
    ("2012", 1, "DATE", "2012"),
    ("2016", 1, "DATE", "2016"),
    ("satelaiti", 8, "VEHICLE", "satellite"),
    ("Korea Kaskazini", 12, "GPE", "north_korea"),
    ("Baraza la Usalama la Umoja wa Mataifa", 1, "ORG", "un_security_council", "unsc45"),
    ("Korea Kaskazini", 13, "GPE", "north_korea", "nk45c"),
    ("makombora yake ya masafa marefu", 1, "WEAPON", "long_range_missile", "lrm45"),
    # line 47
    ("Urusi", 14, "GPE", "russia", "ru47a"),
    ("Korea Kaskazini", 14, "GPE", "north_korea", "nk47"),
    ("satelaiti", 10, "VEHICLE", "satellite"),
    ("Putin", 7, "PER", "vladimir_putin"),
    ("Urusi", 15, "GPE", "russia"),
    ("Kim", 17, "PER", "kim_jong_un", "kim47"),
    ("Urusi", 16, "GPE", "russia", "ru47c"),
    ("makombora ya masafa marefu", 1, "WEAPON", "long_range_missile", "lrm47"),
    ("nyambizi za nyuklia", 1, "WEAPON", "nuclear_powered_submarine", "nsub47"),
    ("Kim Myong Sik", 1, "PER", "kim_myong_sik", "kms47"),
]

# (relation type, head key, tail key)
RELATIONS = [
    # line 10: the meeting and the two leaders' offices
    ("leader_of", "kim10", "nk10"),
    ("leader_of", "putin10", "ru10"),
    ("met_with", "kim10", "putin10"),
    # line 14 (caption): where they met
    ("visited", "kim14", "vost14"),
    ("visited", "putin14", "vost14"),
    ("located_in", "vost14", "ru14"),
    # line 16: military cooperation between the two nations, confrontation with the West
    ("allied_with", "nk10", "ru10"),
    ("in_conflict_with", "nk10", "west16"),
    ("in_conflict_with", "ru10", "west16"),
    # line 18: a nuclear arsenal that could threaten the United States
    ("develops", "kim18", "nukes18"),
    ("in_conflict_with", "kim18", "us18"),
    # line 20: Kim arrives in Russia
    ("visited", "kim20", "ru20"),
    # line 22: weapons Putin may covet for his war; Kim may have sought aid (in exchange)
    ("seeks_support_from", "putin22", "nk22"),
    ("participated_in", "putin22", "war22"),
    ("seeks_support_from", "kim22a", "putin22"),
    # line 24: North Korea may seek technologies (from Russia)
    ("seeks_support_from", "nk24", "ru24"),
    # line 28: North Korean weapons delivered (to Russia)
    ("supplies", "nk28", "ru28"),
    # line 30: the spy satellite and its third launch attempt in October
    ("develops", "nk30", "spysat30"),
    ("participated_in", "nk30", "third30"),
    ("took_place_on", "third30", "oct30"),
    # line 34 (caption): Russia's satellites
    ("develops", "ru34", "sat34"),
    # line 39: the first launch, in May
    ("participated_in", "nk39", "launch39"),
    ("took_place_on", "launch39", "may39"),
    # line 41: Kim's ally Russia
    ("allied_with", "kim41", "ru41"),
    # line 43: Pak Thae Song, his committee, Kim seeking Russia's help, the 2021 summit
    ("member_of", "pak43", "nk43"),
    ("visited", "pak43", "ru43a"),
    ("leader_of", "pak43", "committee43"),
    ("develops", "committee43", "spysat43a"),
    ("seeks_support_from", "kim43a", "ru43b"),
    ("develops", "kim43b", "spysat43b"),
    ("participated_in", "kim43b", "congress43"),
    ("took_place_on", "congress43", "y2021"),
    # line 45: satellites of 2012 and 2016, UN sanctions, long-range missiles
    ("develops", "nk45a", "sat45a"),
    ("sanctions", "unsc45", "nk45c"),
    ("develops", "nk45c", "lrm45"),
    # line 47: would Russia help build satellites ('that is why we came'), long-range missiles and nuclear submarines, Admiral Kim Myong Sik
    ("supplies", "ru47a", "nk47"),
    ("develops", "kim47", "lrm47"),
    ("develops", "kim47", "nsub47"),
    ("visited", "kms47", "ru47c"),
    ("member_of", "kms47", "nk47"),
]
