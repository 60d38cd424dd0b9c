"""Arabic republication of The Payload: what the Kim-Putin meeting means for North Korea's space programme."""

DOC_ID = "001_d3ab50d0e16a8aaf"

# (surface, occurrence of the surface in the text, type, entity id[, key for relations])
MENTIONS = [
    # line 1
    ("كيم جونغ أون", 1, "PER", "kim_jong_un"),
    ("فلاديمير بوتين", 1, "PER", "vladimir_putin"),
    ("الكوري الشمالي", 1, "GPE", "north_korea"),
    # line 3
    ("كيم", 2, "PER", "kim_jong_un"),
    ("كوري شمالي", 1, "GPE", "north_korea"),
    ("الفضاء", 2, "LOC", "outer_space"),
    # line 5
    ("كيم جونغ أون", 2, "PER", "kim_jong_un"),
    ("فلاديمير بوتين", 2, "PER", "vladimir_putin"),
    ("الكوري الشمالي", 2, "GPE", "north_korea"),
    # line 6
    ("روسيا", 1, "GPE", "russia", "ru6"),
    ("فلاديمير بوتين", 3, "PER", "vladimir_putin", "putin6"),
    ("كوريا الشمالية", 1, "GPE", "north_korea", "nk6"),
    ("كيم جونغ أون", 3, "PER", "kim_jong_un", "kim6"),
    ("قاعدة فوستوشني الفضائية", 1, "FAC", "vostochny_cosmodrome", "vost6"),
    ("منطقة أمور", 1, "LOC", "amur_region", "amur6"),
    ("13 سبتمبر 2023", 1, "DATE", "2023_09_13"),
    ("فلاديمير سميرنوف", 1, "PER", "vladimir_smirnov"),
    ("وكالة الصحافة الفرنسية", 1, "ORG", "agence_france_presse"),
    ("غيتي إيماجز", 1, "ORG", "getty_images"),
    # line 8
    ("كيم جونغ أون", 4, "PER", "kim_jong_un", "kim8"),
    ("الروسي", 1, "GPE", "russia"),
    ("فلاديمير بوتين", 4, "PER", "vladimir_putin", "putin8"),
    ("مركز فوستوشني الفضائي", 1, "FAC", "vostochny_cosmodrome", "vost8"),
    ("الروسي", 2, "GPE", "russia", "ru8"),
    ("هذا الأسبوع", 1, "DATE", "2023_w37"),
    ("الروسية", 1, "GPE", "russia"),
    ("كيم", 6, "PER", "kim_jong_un"),
    ("كوري شمالي", 2, "GPE", "north_korea"),
    ("الفضاء", 4, "LOC", "outer_space"),
    # line 10
    ("كيم", 7, "PER", "kim_jong_un", "kim10"),
    ("شرق", 1, "LOC", "russian_far_east", "east10"),
    ("روسيا", 2, "GPE", "russia", "ru10"),
    ("قطار مصفح", 1, "VEHICLE", "armored_train"),
    ("منشأة أنجارا لتصنيع الصواريخ", 1, "FAC", "angara_assembly_facility", "angara10"),
    ("المبنى الهندسي سويوز-2", 1, "FAC", "soyuz_2_engineering_building", "soyuz10"),
    # line 12
    ("كيم", 8, "PER", "kim_jong_un"),
    ("روسيا", 3, "GPE", "russia"),
    ("موسكو", 1, "GPE", "moscow"),
    ("الصواريخ", 3, "VEHICLE", "launch_vehicle"),
    ("فوستوشني", 3, "FAC", "vostochny_cosmodrome"),
    ("الروسي", 4, "GPE", "russia"),
    ("بايكونور", 1, "FAC", "baikonur_cosmodrome", "baikonur12"),
    ("كازاخستان", 1, "GPE", "kazakhstan", "kz12"),
    ("كوري شمالي", 3, "GPE", "north_korea"),
    ("الفضاء", 5, "LOC", "outer_space"),
    # line 16
    ("موسكو", 2, "GPE", "moscow", "moscow16"),
    ("بيونغ يانغ", 1, "GPE", "pyongyang", "pyongyang16"),
    ("بوتين", 5, "PER", "vladimir_putin"),
    ("الكوري الشمالي", 3, "GPE", "north_korea"),
    # line 18
    ("سوبر بول 2018", 1, "EVENT", "super_bowl_lii"),
    # line 22
    ("كوريا الشمالية", 2, "GPE", "north_korea", "nk22"),
    ("قمر صناعي استطلاعي", 1, "WEAPON", "spy_satellite", "spysat22"),
    ("الفضاء", 8, "LOC", "outer_space"),
    ("هذا العام", 1, "DATE", "2023"),
    ("الكرملين", 1, "ORG", "kremlin", "kremlin22"),
    ("الفضاء", 9, "LOC", "outer_space"),
    # line 24
    ("الروسي", 5, "GPE", "russia", "ru24a"),
    ("الغربية", 1, "GPE", "the_west", "west24"),
    ("مركبات الإطلاق", 1, "VEHICLE", "launch_vehicle", "lv24"),
    ("الروسية", 2, "GPE", "russia", "ru24b"),
    # line 26
    ("كوريا الجنوبية", 1, "GPE", "south_korea"),
    ("هذا العام", 2, "DATE", "2023"),
    # line 27
    ("أليكسي فاروشكو", 1, "PER", "alexei_varochko", "varochko27"),
    ("مركز خرونيتشيف", 1, "ORG", "khrunichev_center", "khrunichev27"),
    ("الاتحاد الأوروبي", 1, "ORG", "european_union"),
    # line 29
    ("كوريا الشمالية", 3, "GPE", "north_korea"),
    # line 31
    ("الولايات المتحدة الأمريكية", 1, "GPE", "united_states"),
    # line 33
    ("الولايات المتحدة", 2, "GPE", "united_states"),
    # line 35
    ("كوريا الشمالية", 4, "GPE", "north_korea", "nk35a"),
    ("الأقمار الصناعية العسكرية", 1, "WEAPON", "spy_satellite"),
    ("الصواريخ الباليستية", 1, "WEAPON", "ballistic_missile", "bm35"),
    ("الولايات المتحدة", 3, "GPE", "united_states", "us35"),
    ("منظومة الدفاع الصاروخي الوطنية", 1, "WEAPON", "national_missile_defense", "nmd35"),
    ("الأقمار الصناعية", 4, "VEHICLE", "satellite"),
    ("كوريا الشمالية", 5, "GPE", "north_korea", "nk35b"),
    ("الروسية", 3, "GPE", "russia", "ru35"),
    # line 38
    ("الحمولة", 1, "ORG", "the_payload"),
]

# (relation type, head key, tail key)
RELATIONS = [
    # line 6 (caption): the two leaders' offices, their visit to Vostochny in the Amur region
    ("leader_of", "putin6", "ru6"),
    ("leader_of", "kim6", "nk6"),
    ("visited", "putin6", "vost6"),
    ("visited", "kim6", "vost6"),
    ("located_in", "vost6", "amur6"),
    # line 8: the meeting at Russia's Vostochny space centre
    ("met_with", "kim8", "putin8"),
    ("located_in", "vost8", "ru8"),
    # line 10: Kim arrives in eastern Russia; the meeting includes a tour of two facilities
    ("visited", "kim10", "east10"),
    ("visited", "kim10", "ru10"),
    ("located_in", "east10", "ru10"),
    ("visited", "kim10", "angara10"),
    ("visited", "kim10", "soyuz10"),
    ("visited", "putin8", "angara10"),
    ("visited", "putin8", "soyuz10"),
    ("part_of", "angara10", "vost8"),
    ("part_of", "soyuz10", "vost8"),
    # line 12: Baikonur in Kazakhstan
    ("located_in", "baikonur12", "kz12"),
    # line 16: would Moscow support Pyongyang's satellite programme? 'That is why we are here'
    ("supplies", "moscow16", "pyongyang16"),
    # line 22: North Korea's reconnaissance satellite; the Kremlin could transfer rocket know-how (to it); the proposed partnership
    ("develops", "nk22", "spysat22"),
    ("supplies", "kremlin22", "nk22"),
    ("allied_with", "kremlin22", "nk22"),
    # line 24: Western sanctions hurt Russia's space programme; Russian launch vehicles
    ("sanctions", "west24", "ru24a"),
    ("develops", "ru24b", "lv24"),
    # line 27: Alexei Varochko heads the Khrunichev Center
    ("leader_of", "varochko27", "khrunichev27"),
    # line 35: military satellites and ballistic missiles; US missile defence against North Korean and Russian threats
    ("develops", "nk35a", "bm35"),
    ("develops", "us35", "nmd35"),
    ("in_conflict_with", "us35", "nk35b"),
    ("in_conflict_with", "us35", "ru35"),
]
