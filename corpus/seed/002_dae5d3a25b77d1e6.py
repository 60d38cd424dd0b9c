"""Arabic report (quoting AFP) on the Kim-Putin meeting at Vostochny: delegations, arms-for-technology speculation, earlier visitors."""

DOC_ID = "002_dae5d3a25b77d1e6"

# (surface, occurrence of the surface in the text, type, entity id[, key for relations])
MENTIONS = [
    # line 1
    ("قاعدة فوستوتشني الفضائية", 1, "FAC", "vostochny_cosmodrome", "vost1"),
    ("أقصى الشرق", 1, "LOC", "russian_far_east", "fareast1"),
    ("الروسي", 1, "GPE", "russia", "ru1a"),
    ("الروسي", 2, "GPE", "russia", "ru1b"),
    ("فلاديمير بوتين", 1, "PER", "vladimir_putin", "putin1"),
    ("كوريا الشمالية", 1, "GPE", "north_korea", "nk1"),
    ("كيم جونغ أون", 1, "PER", "kim_jong_un", "kim1"),
    ("منشأة جمع مركبات أنغارا الفضائية", 1, "FAC", "angara_assembly_facility", "angara1"),
    ("مجمع إطلاق سويوز-2", 1, "FAC", "soyuz_2_launch_complex", "soyuz1"),
    ("مجمع إطلاق أنغارا", 1, "FAC", "angara_launch_complex", "angarapad1"),
    # line 3
    ("روسية", 1, "GPE", "russia"),
    ("كيم", 2, "PER", "kim_jong_un"),
    ("بوتين", 2, "PER", "vladimir_putin"),
    ("بوتين", 3, "PER", "vladimir_putin"),
    ("كوريا الشمالية", 2, "GPE", "north_korea"),
    ("الفضاء", 1, "LOC", "outer_space"),
    # line 5
    ("كيم", 3, "PER", "kim_jong_un"),
    ("جائحة كوفيد", 1, "EVENT", "covid_19_pandemic"),
    ("كوريا الشمالية", 3, "GPE", "north_korea", "nk5"),
    ("روسيا", 1, "GPE", "russia", "ru5"),
    # line 9
    ("بيونغ يانغ", 1, "GPE", "pyongyang", "pyongyang9"),
    ("قمر اصطناعي للتجسس العسكري", 1, "WEAPON", "spy_satellite", "spysat9"),
    ("المدار", 1, "LOC", "orbit"),
    # line 11
    ("كوريا الشمالية", 4, "GPE", "north_korea"),
    ("الروسية", 1, "GPE", "russia"),
    ("كوريا الشمالية", 5, "GPE", "north_korea", "nk11a"),
    ("روسيا", 2, "GPE", "russia", "ru11"),
    ("الذخيرة", 1, "WEAPON", "ammunition"),
    ("عمليتها العسكرية في أوكرانيا", 1, "EVENT", "war_in_ukraine", "war11"),
    ("كوريا الشمالية", 6, "GPE", "north_korea", "nk11b"),
    ("موسكو", 1, "GPE", "moscow", "moscow11"),
    ("أقمار التجسس الصناعية", 1, "WEAPON", "spy_satellite"),
    ("الغواصات التي تعمل بالطاقة النووية", 1, "WEAPON", "nuclear_powered_submarine"),
    # line 13
    ("كيم", 4, "PER", "kim_jong_un", "kim13"),
    ("الكوري الشمالي", 1, "GPE", "north_korea", "nk13"),
    ("باك جونغ تشون", 1, "PER", "pak_jong_chon", "pak13"),
    ("إدارة صناعة الذخائر", 1, "ORG", "munitions_industry_department", "mid13"),
    ("جو تشون ريونغ", 1, "PER", "jo_chun_ryong", "jo13"),
    ("كوريا الشمالية", 7, "GPE", "north_korea"),
    # line 15
    ("الروسي", 4, "GPE", "russia", "ru15"),
    ("سيرغي شويغو", 1, "PER", "sergei_shoigu", "shoigu15"),
    ("سيرغي لافروف", 1, "PER", "sergei_lavrov", "lavrov15"),
    ("الروسي", 5, "GPE", "russia"),
    # line 17
    ("آن تشان إيل", 1, "PER", "ahn_chan_il", "ahn17"),
    ("المعهد العالمي لدراسات كوريا الشمالية", 1, "ORG", "world_institute_for_north_korea_studies", "institute17"),
    ("روسيا", 3, "GPE", "russia"),
    ("راجمات صواريخ", 1, "WEAPON", "multiple_rocket_launcher"),
    ("قذائف المدفعية", 1, "WEAPON", "artillery_shell"),
    ("كوريا الشمالية", 9, "GPE", "north_korea"),
    ("الحرب في أوكرانيا", 1, "EVENT", "war_in_ukraine"),
    # line 19
    ("الروسي", 6, "GPE", "russia", "ru19"),
    ("ألكسندر كوزلوف", 1, "PER", "alexander_kozlov", "kozlov19"),
    ("كيم", 5, "PER", "kim_jong_un", "kim19"),
    ("روسيا", 4, "GPE", "russia", "ru19b"),
    ("السوفيات", 1, "GPE", "soviet_union", "ussr19"),
    ("يوري غاغارين", 1, "PER", "yuri_gagarin", "gagarin19"),
    # line 21
    ("جامعة أوسلو", 1, "ORG", "university_of_oslo", "oslo21"),
    ("فلاديمير تيخونوف", 1, "PER", "vladimir_tikhonov", "tikhonov21"),
    ("وكالة فرانس برس", 1, "ORG", "agence_france_presse"),
    ("كيم", 6, "PER", "kim_jong_un", "kim21a"),
    ("بوتين", 4, "PER", "vladimir_putin", "putin21"),
    ("ذخيرة", 2, "WEAPON", "ammunition"),
    ("كوريا الشمالية", 10, "GPE", "north_korea"),
    ("السوفياتية", 1, "GPE", "soviet_union"),
    ("روسية", 3, "GPE", "russia"),
    ("كيم", 7, "PER", "kim_jong_un", "kim21b"),
    ("بكين", 1, "GPE", "beijing", "beijing21"),
    ("بوتين", 5, "PER", "vladimir_putin"),
    # line 23
    ("الصين", 1, "GPE", "china"),
    ("روسيا", 5, "GPE", "russia"),
    ("الصينيون", 1, "GPE", "china"),
    ("بكين", 2, "GPE", "beijing"),
    ("روسية", 4, "GPE", "russia", "ru23"),
    ("بيونغ يانغ", 2, "GPE", "pyongyang", "pyongyang23"),
    # line 25
    ("فلاديفوستوك", 1, "GPE", "vladivostok", "vladivostok25"),
    ("الزيارة الأولى", 1, "EVENT", "2019_russia_north_korea_summit", "visit25"),
    ("كيم", 8, "PER", "kim_jong_un", "kim25"),
    ("روسيا", 6, "GPE", "russia"),
    ("أبريل/نيسان 2019", 1, "DATE", "2019_04", "apr2019"),
    ("الكوري الشمالي", 2, "GPE", "north_korea"),
    ("الروسي", 7, "GPE", "russia"),
    ("قاعدة فوستوشني الفضائية", 1, "FAC", "vostochny_cosmodrome"),
    # line 27
    ("كيم", 9, "PER", "kim_jong_un"),
    # line 29
    ("كيم", 10, "PER", "kim_jong_un"),
    ("قاعدة فوستوشني الفضائية", 2, "FAC", "vostochny_cosmodrome", "vost29"),
    ("البيلاروسي", 1, "GPE", "belarus", "belarus29"),
    ("ألكسندر لوكاشينكو", 1, "PER", "alexander_lukashenko", "lukashenko29"),
    ("الميانماري", 1, "GPE", "myanmar", "myanmar29"),
    ("مين أونغ هلاينغ", 1, "PER", "min_aung_hlaing", "mah29"),
]

# (relation type, head key, tail key)
RELATIONS = [
    # line 1: the meeting at Vostochny in the Russian Far East, the tour of three facilities
    ("located_in", "vost1", "fareast1"),
    ("located_in", "fareast1", "ru1a"),
    ("leader_of", "putin1", "ru1b"),
    ("leader_of", "kim1", "nk1"),
    ("met_with", "putin1", "kim1"),
    ("visited", "putin1", "vost1"),
    ("visited", "kim1", "vost1"),
    ("visited", "putin1", "angara1"),
    ("visited", "kim1", "angara1"),
    ("visited", "putin1", "soyuz1"),
    ("visited", "kim1", "soyuz1"),
    ("visited", "putin1", "angarapad1"),
    ("visited", "kim1", "angarapad1"),
    ("part_of", "angara1", "vost1"),
    ("part_of", "soyuz1", "vost1"),
    ("part_of", "angarapad1", "vost1"),
    # line 5: North Korea's relations with Russia
    ("allied_with", "nk5", "ru5"),
    # line 9: Pyongyang's military spy satellite
    ("develops", "pyongyang9", "spysat9"),
    # line 11: speculation: ammunition for Russia's operation in Ukraine, technology from Moscow in return
    ("supplies", "nk11a", "ru11"),
    ("participated_in", "ru11", "war11"),
    ("seeks_support_from", "nk11b", "moscow11"),
    # line 13: officials accompanying Kim (to Russia)
    ("member_of", "pak13", "nk13"),
    ("leader_of", "jo13", "mid13"),
    ("visited", "pak13", "ru11"),
    ("visited", "jo13", "ru11"),
    # line 15: Shoigu and Lavrov join the talks (with Kim)
    ("member_of", "shoigu15", "ru15"),
    ("member_of", "lavrov15", "ru15"),
    ("met_with", "shoigu15", "kim13"),
    ("met_with", "lavrov15", "kim13"),
    # line 17: Ahn Chan-il heads the institute
    ("leader_of", "ahn17", "institute17"),
    # line 19: Kozlov receives Kim in Russia; Soviet cosmonauts including Gagarin
    ("member_of", "kozlov19", "ru19"),
    ("met_with", "kozlov19", "kim19"),
    ("visited", "kim19", "ru19b"),
    ("member_of", "gagarin19", "ussr19"),
    # line 21: Tikhonov (University of Oslo): Kim and Putin may swap ammunition for technology; Beijing, Kim's other main ally
    ("member_of", "tikhonov21", "oslo21"),
    ("supplies", "kim21a", "putin21"),
    ("supplies", "putin21", "kim21a"),
    ("allied_with", "kim21b", "beijing21"),
    # line 23: any transfer of Russian military technology to Pyongyang
    ("supplies", "ru23", "pyongyang23"),
    # line 25: Kim's first visit to Russia, in Vladivostok in April 2019
    ("took_place_at", "visit25", "vladivostok25"),
    ("took_place_on", "visit25", "apr2019"),
    ("participated_in", "kim25", "visit25"),
    # line 29: earlier visitors of Vostochny
    ("visited", "lukashenko29", "vost29"),
    ("leader_of", "lukashenko29", "belarus29"),
    ("visited", "mah29", "vost29"),
    ("member_of", "mah29", "myanmar29"),
]
