"""A synthetic library network for benchmarks: ``samenbieb generate --scale network``.

Realistic enough to measure against: libraries serve one to three real, neighbouring
municipalities (province and population from the Municipality table), branches sit at
plausible postcodes and coordinates inside them, with weekly opening hours and holiday,
summer and renovation closures. Everything comes from ``random.Random`` seeded per step,
so a seed always gives the same network, and a later step (members, items) can be added
to :data:`STEPS` without changing what the earlier steps make.

Every generated organisation has an ISIL starting with ``NL-Gen``: generating again
deletes the previous synthetic network first, in the same transaction, and never touches
other organisations such as the demo network. Rows go in with :func:`bulk_insert`
(COPY on PostgreSQL), because later steps generate millions of them.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache

import holidays
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.text import slugify

from samenbieb.catalog.generate import GeneratedRecord, records_delete, records_generate
from samenbieb.core.audit import audit_record
from samenbieb.core.bulk import bulk_insert
from samenbieb.holdings.generate import LendingBranch, items_delete, items_generate
from samenbieb.network.demo.data import (
    CENTRAL,
    CLOSING_HOLIDAYS,
    INFORMATION_POINT,
    NEIGHBOURHOOD,
    SCHOOL,
    SMALL_TOWN,
)
from samenbieb.network.models import (
    Branch,
    BranchKind,
    Closure,
    Municipality,
    OpeningHours,
    Organisation,
    OrganisationKind,
)

GENERATED_ISIL_PREFIX = "NL-Gen"
# Named scales → number of library organisations. The real network has about 150.
SCALES: dict[str, int] = {"tiny": 3, "small": 15, "network": 150, "national": 150}
# Scales that come with a synthetic catalogue: (records, items). The others have none, so
# benchmarks of the network alone stay quick; ``records=``/``items=`` ask for any size.
CATALOGUES: dict[str, tuple[int, int]] = {"national": (1_000_000, 2_000_000)}
# Members per named scale, spread over the libraries by the population they serve; a
# number of libraries has none unless ``persons=`` asks. The real network has some
# 3.5 million members; a million is what the desk benchmarks need.
PERSONS: dict[str, int] = {"tiny": 500, "small": 2_000, "network": 10_000, "national": 1_000_000}
MAX_PERSONS = 20_000_000
# Loans per named scale (the others have none unless ``loans=`` asks): of the synthetic
# copies by the synthetic members over three years; each copy on loan has an open one.
LOANS: dict[str, int] = {"national": 5_200_000}
MAX_LOANS = 200_000_000
ITEMS_PER_RECORD = 2
MAX_RECORDS = 10_000_000
LENDING_KINDS = (BranchKind.MAIN, BranchKind.BRANCH, BranchKind.SERVICE_POINT, BranchKind.MOBILE)
MAX_LIBRARIES = 99_999
# One branch per this many inhabitants served, plus one to three: about 750 branches
# for the whole country, close to the real count.
INHABITANTS_PER_BRANCH = 40_000
MAX_BRANCHES_PER_LIBRARY = 40
KM_PER_DEGREE = 111.2  # of latitude; of longitude times cos(latitude)

Period = tuple[dt.time, dt.time]
Week = Mapping[int, Sequence[Period]]
T = dt.time

# Provincial support organisations (POIs), one per group of provinces.
SUPPORT_GROUPS: list[tuple[str, str, tuple[str, ...]]] = [
    ("NL-GenPOI1", "Bibliotheekservice Noord", ("GR", "DR")),
    ("NL-GenPOI2", "Bibliotheekservice Fryslân", ("FR",)),
    ("NL-GenPOI3", "Bibliotheekservice Overijssel", ("OV",)),
    ("NL-GenPOI4", "Bibliotheekservice Gelderland", ("GE",)),
    ("NL-GenPOI5", "Bibliotheekservice Midden", ("UT", "FL")),
    ("NL-GenPOI6", "Bibliotheekservice Noord-Holland", ("NH",)),
    ("NL-GenPOI7", "Bibliotheekservice Zuid-Holland", ("ZH",)),
    ("NL-GenPOI8", "Bibliotheekservice Zeeland", ("ZE",)),
    ("NL-GenPOI9", "Bibliotheekservice Zuid", ("NB", "LI")),
]
NATIONAL_ISIL = "NL-GenKB"
# Summer-holiday regions of Dutch schools, simplified to whole provinces.
SCHOOL_REGION = {
    "GR": 0, "FR": 0, "DR": 0, "OV": 0, "FL": 0, "NH": 0,
    "UT": 1, "ZH": 1, "GE": 1,
    "ZE": 2, "NB": 2, "LI": 2,
}  # fmt: skip

SERVICE_POINT: Week = {
    1: [(T(14), T(17))],
    3: [(T(14), T(17)), (T(18, 30), T(20))],
    5: [(T(10), T(13))],
}
MOBILE: Week = {day: [(T(9, 30), T(12)), (T(13), T(16))] for day in range(5)}
OTHER_KINDS = (
    BranchKind.BRANCH,
    BranchKind.SERVICE_POINT,
    BranchKind.SCHOOL_LIBRARY,
    BranchKind.INFORMATION_POINT,
    BranchKind.MOBILE,
)
OTHER_KIND_WEIGHTS = (55, 12, 18, 10, 5)
DISTRICTS = (
    "Noord", "Oost", "Zuid", "West", "Centrum", "De Akkers", "De Bongerd", "De Esch",
    "De Haven", "De Weide", "Het Hof", "Het Rietveld", "Kerkwijk", "Kloosterveld", "Molenwijk",
    "Vogelwijk", "Bloemenbuurt", "Schildersbuurt", "Stationskwartier", "Waterwijk", "Beekpark",
    "De Linde", "Het Zand", "Meerzicht",
)  # fmt: skip
SCHOOLS = (
    "De Regenboog", "De Vlinderboom", "Het Kompas", "De Wereldwijzer", "De Zonnewijzer",
    "Het Palet", "De Springplank", "Het Mozaïek", "De Klimop", "De Fontein", "Het Anker",
    "De Wegwijzer", "De Horizon", "De Toermalijn", "De Sterrenkijker", "Het Baken",
)  # fmt: skip
SQUARES = ("Markt", "Stationsplein", "Kerkplein", "Raadhuisplein", "Stadhuisplein", "Hoofdstraat")
STREETS = (
    "Dorpsstraat", "Kerkstraat", "Schoolstraat", "Molenweg", "Stationsweg", "Julianalaan",
    "Wilhelminastraat", "Beatrixlaan", "Parklaan", "Nieuwstraat", "Lindelaan", "Kastanjelaan",
    "Emmastraat", "Burgemeester de Withstraat", "Prins Bernhardlaan", "Oranjestraat",
)  # fmt: skip
CODE_PREFIXES = (
    ("Centrale Bibliotheek ", ""), ("Bibliotheek ", ""), ("Schoolbibliotheek ", "school "),
    ("Informatiepunt Digitale Overheid ", "idp "), ("Servicepunt ", "sp "), ("Bibliobus ", "bus "),
)  # fmt: skip
# Letters of the postcode's second part; real postcodes never end in SA, SD or SS.
POSTCODE_LETTERS = "ABCDEGHJKLMNPRSTVWXZ"

# Per municipality (CBS code without GM): population-weighted centre (latitude, longitude),
# the spread of its postcode areas around that centre in km, and its most populous 4-digit
# postcode areas. Derived from CBS "Kerncijfers per postcode" 2020/2021 (Bron: CBS, CC BY 4.0).
_AREAS = """
0014 53.218 6.574 6.3 9713/9721/9743; 0034 52.375 5.235 4.3 1333/1335/1363
0037 52.993 6.974 4.5 9501/9502/9581; 0047 53.097 6.866 2.7 9641/9642/9648
0050 52.336 5.523 4.4 3891/3892/3893; 0059 53.210 6.139 4.5 9231/9281/9285
0060 53.450 5.729 5.4 9161/9163/9164; 0072 53.170 5.450 1.9 8861/8862/8872
0074 52.973 5.945 6.9 8442/8446/8448; 0080 53.195 5.806 6.3 8921/8932/9051
0085 52.994 6.295 6.6 8426/8431/8433; 0086 53.043 6.103 7.5 8401/9244/9247
0088 53.493 6.232 0.5 9166; 0090 53.107 6.086 5.2 9201/9203/9204
0093 53.386 5.259 4.8 8881/8891/8896; 0096 53.257 4.962 0.5 8899
0098 52.876 6.035 7.9 8391/8471/8472; 0106 53.002 6.555 3.2 9403/9406/9408
0109 52.714 6.739 8.6 7741/7742/7751; 0114 52.755 6.935 6.6 7812/7827/7891
0118 52.717 6.493 4.3 7906/7908/7913; 0119 52.701 6.192 3.5 7941/7943/7944
0141 52.354 6.663 2.9 7607/7608/7609; 0147 52.303 6.753 1.8 7621/7622/7623
0148 52.522 6.275 8.0 7711/7721/7722; 0150 52.262 6.189 4.1 7411/7412/7415
0153 52.214 6.890 4.0 7534/7544/7545; 0158 52.161 6.744 2.9 7481/7482/7483
0160 52.583 6.573 7.3 7701/7771/7772; 0163 52.377 6.474 5.8 7442/7443/7447
0164 52.272 6.801 2.8 7552/7556/7558; 0166 52.551 5.919 4.2 8265/8266/8271
0168 52.273 7.004 5.0 7581/7582/7586; 0171 52.713 5.753 7.5 8302/8303/8316
0173 52.313 6.918 1.8 7572/7576/7577; 0175 52.514 6.439 6.1 7685/7731/8148
0177 52.397 6.274 6.0 8102/8103/8141; 0180 52.640 6.201 4.9 7951/7954/7955
0183 52.404 6.764 5.3 7651/7665/7678; 0184 52.665 5.623 0.8 8321/8322
0189 52.342 6.566 4.2 7468/7641/7642; 0193 52.515 6.092 3.8 8014/8031/8043
0197 51.910 6.554 4.7 7091/7121/7122; 0200 52.204 5.970 5.3 7323/7325/7331
0202 51.974 5.904 3.1 6828/6836/6846; 0203 52.153 5.598 6.6 3771/3772/3781
0209 51.858 5.758 2.6 6641/6642/6644; 0213 52.094 6.092 4.6 6961/6964/6971
0214 51.942 5.412 6.0 4021/4033/4112; 0216 51.954 5.224 2.1 4101/4102/4105
0221 52.006 6.135 1.4 6981/6982/6983; 0222 51.964 6.286 3.3 7006/7007/7009
0225 51.884 5.601 2.7 6651/6652/6653; 0226 51.952 6.017 2.3 6921/6922/6923
0228 52.046 5.663 7.5 6717/6721/6741; 0230 52.428 5.851 2.8 8081/8084/8085
0232 52.326 5.955 5.0 8161/8162/8171; 0233 52.295 5.620 3.3 3851/3852/3853
0243 52.341 5.638 1.9 3843/3844/3845; 0244 52.476 6.053 0.5 8051/8052
0246 52.406 6.044 3.7 8181/8191/8194; 0252 51.785 5.841 3.8 6581/6582/6611
0262 52.176 6.333 6.8 7211/7241/7242; 0263 51.772 5.292 4.6 5321/5324/5331
0267 52.205 5.480 3.0 3861/3862/3871; 0268 51.834 5.840 2.9 6531/6533/6663
0269 52.455 5.958 4.7 8091/8096/8097; 0273 52.243 5.588 2.7 3881/3882
0274 51.987 5.790 2.7 6861/6862/6871; 0275 52.023 6.033 4.8 6881/6951/6991
0277 52.043 5.963 0.5 6891; 0279 52.089 5.500 0.5 3925
0281 51.885 5.420 2.5 4001/4003/4007; 0285 52.231 6.102 4.7 7383/7384/7391
0289 51.975 5.660 2.2 6706/6707/6708; 0293 51.954 5.974 0.7 6931/6932
0294 51.974 6.722 4.0 7101/7102/7103; 0296 51.809 5.721 3.5 6601/6602/6605
0297 51.798 5.195 4.9 5301/5306/5311; 0299 51.926 6.079 5.4 6901/6903/6904
0301 52.134 6.219 2.4 7204/7206/7207; 0302 52.360 5.785 4.5 8071/8072/8075
0303 52.521 5.705 4.7 8251/8253/8256; 0307 52.173 5.391 3.1 3813/3824/3825
0308 52.211 5.295 3.0 3741/3742/3743; 0310 52.131 5.191 3.3 3721/3723/3731
0312 52.049 5.208 2.6 3981/3984/3985; 0313 52.236 5.363 2.1 3751/3752/3754
0317 52.250 5.280 0.5 3755; 0321 52.025 5.170 2.8 3991/3992/3994
0327 52.124 5.434 2.6 3831/3832/3833; 0331 51.983 4.946 3.9 3405/3411/3415
0335 52.049 4.944 1.9 3417/3461; 0339 52.069 5.534 0.5 3927
0340 51.981 5.560 3.1 3911/3912/3921; 0342 52.164 5.291 2.6 3762/3766/3769
0344 52.093 5.093 3.5 3452/3454/3544; 0345 52.024 5.554 1.6 3902/3904/3905
0351 52.082 5.420 0.5 3931; 0352 51.981 5.327 2.5 3945/3961/3962
0353 52.024 5.034 2.0 3401/3402/3404; 0355 52.096 5.242 3.0 3704/3705/3708
0356 52.032 5.083 1.9 3434/3437/3438; 0358 52.258 4.756 2.8 1431/1432/1433
0361 52.635 4.761 6.1 1814/1825/1827; 0362 52.294 4.856 2.6 1181/1186/1187
0363 52.359 4.894 5.9 1013/1069/1102; 0373 52.657 4.673 4.9 1861/1862/1871
0375 52.488 4.658 1.7 1944/1945/1948; 0376 52.280 5.259 1.7 1261/1262
0377 52.373 4.596 4.4 2061/2111/2121; 0383 52.555 4.676 3.7 1901/1902/1906
0384 52.336 4.984 1.1 1111/1112/1113; 0385 52.514 5.049 5.6 1131/1132/1135
0388 52.718 5.272 0.8 1601/1602; 0392 52.382 4.643 2.5 2011/2012/2023
0394 52.306 4.671 7.0 2134/2135/2151; 0396 52.508 4.675 1.7 1962/1964/1965
0397 52.347 4.617 1.1 2101/2102/2105; 0399 52.600 4.706 1.0 1851/1852/1853
0400 52.931 4.756 2.8 1782/1784/1788; 0402 52.226 5.172 2.6 1215/1222/1223
0405 52.655 5.070 1.8 1625/1628/1689; 0406 52.296 5.249 1.5 1271/1273/1276
0415 52.448 4.927 2.4 1121/1127/1451; 0417 52.249 5.217 0.9 1251/1252
0420 52.725 5.100 4.7 1619/1671/1693; 0431 52.452 4.876 0.5 1511
0432 52.709 4.949 3.1 1715/1716/1718; 0437 52.300 4.921 2.8 1114/1115/1191
0439 52.507 4.959 4.2 1441/1447/1448; 0441 52.775 4.769 5.3 1741/1742/1749
0448 53.066 4.799 5.0 1791/1792/1796; 0450 52.523 4.729 0.5 1911
0451 52.241 4.816 1.6 1421/1422/1423; 0453 52.447 4.627 2.6 1971/1972/1991
0473 52.369 4.545 2.0 2041/2042/2116; 0479 52.462 4.798 3.8 1506/1507/1566
0482 51.868 4.660 1.2 2951/2953/2954; 0484 52.124 4.652 4.0 2402/2408/2771
0489 51.851 4.521 1.5 2991/2992/2993; 0498 52.675 5.175 3.4 1606/1616/1617
0502 51.934 4.582 1.9 2901/2903/2907; 0503 52.001 4.354 2.0 2613/2624/2625
0505 51.797 4.687 3.2 3311/3315/3328; 0512 51.839 4.978 2.1 4201/4205/4207
0513 52.017 4.713 1.7 2804/2805/2807; 0518 52.067 4.297 3.7 2525/2548/2552
0523 51.827 4.854 2.3 3371/3372/3373; 0531 51.839 4.639 1.1 3341/3343/3344
0532 52.701 5.231 1.3 1611/1613/1614; 0534 52.298 4.580 0.9 2181/2182
0537 52.195 4.420 1.8 2221/2225/2231; 0542 51.916 4.606 1.2 2922/2923/2925
0546 52.159 4.488 2.0 2312/2313/2317; 0547 52.162 4.536 1.3 2351/2352/2353
0553 52.254 4.551 1.2 2161/2162/2163; 0556 51.926 4.246 1.5 3141/3144/3145
0569 52.171 4.769 5.2 2421/2441/2461; 0575 52.247 4.466 4.3 2201/2202/2211
0579 52.186 4.473 1.2 2341/2342/2343; 0589 52.021 4.861 2.5 3421/3425/3467
0590 51.833 4.696 1.1 3351/3353/3355; 0597 51.874 4.599 1.7 2983/2986/2987
0599 51.917 4.479 7.4 3067/3068/3071; 0603 52.039 4.323 1.5 2282/2285/2286
0606 51.925 4.387 1.9 3112/3119/3122; 0610 51.824 4.772 1.1 3361/3362/3363
0613 51.854 4.438 2.4 3161/3162/3171; 0622 51.920 4.340 1.9 3131/3135/3137
0626 52.125 4.443 1.3 2251/2252/2253; 0627 52.041 4.644 1.3 2741/2742/2743
0629 52.144 4.385 2.9 2241/2242/2243; 0632 52.091 4.895 3.0 3446/3448/3481
0637 52.060 4.500 2.1 2719/2721/2729; 0638 52.118 4.513 2.0 2381/2382/2735
0642 51.821 4.625 2.0 3331/3332/3333; 0654 51.452 3.823 4.9 4431/4451/4453
0664 51.506 3.884 3.4 4461/4462/4463; 0668 51.860 5.500 3.9 6621/6658/6659
0677 51.299 4.045 6.0 4561/4564/4587; 0678 51.487 3.966 2.6 4421/4423/4424
0687 51.498 3.624 2.6 4335/4336/4337; 0703 51.454 4.076 5.1 4401/4413/4416
0715 51.301 3.853 6.1 4532/4535/4571; 0716 51.567 4.136 5.3 4691/4695/4697
0717 51.532 3.543 5.2 4356/4361/4371; 0718 51.459 3.583 2.2 4381/4382/4388
0736 52.222 4.906 4.7 1391/3641/3645; 0737 53.208 5.965 6.1 9251/9254/9257
0743 51.395 5.777 3.1 5721/5724/5725; 0744 51.438 4.909 5.3 5111/5113/5114
0748 51.500 4.293 3.1 4611/4617/4661; 0753 51.507 5.384 1.9 5683/5684/5685
0755 51.606 5.685 2.3 5427/5428; 0757 51.590 5.323 3.1 5281/5282/5283
0758 51.591 4.772 3.6 4811/4817/4841; 0762 51.450 5.809 5.2 5751/5753/5754
0765 53.081 6.984 2.9 9663/9665; 0766 51.632 4.940 2.1 5102/5103/5104
0770 51.376 5.315 4.7 5512/5513/5521; 0772 51.449 5.471 3.5 5611/5616/5632
0777 51.580 4.653 2.9 4871/4872/4876; 0779 51.699 4.870 1.7 4931/4941/4942
0784 51.571 4.926 2.7 5121/5122/5126; 0785 51.514 5.046 2.5 5051/5052/5133
0794 51.478 5.661 2.7 5701/5706/5709; 0796 51.709 5.322 4.9 5211/5223/5231
0797 51.689 5.164 3.9 5151/5152/5251; 0798 51.487 5.139 3.8 5081/5085/5087
0809 51.647 5.049 2.4 5171/5172/5175; 0820 51.472 5.553 1.0 5671/5672/5673
0823 51.496 5.294 2.9 5091/5688/5689; 0824 51.575 5.201 3.2 5061/5062/5066
0826 51.643 4.858 2.9 4901/4904/4907; 0828 51.770 5.528 6.2 5345/5348/5351
0840 51.538 4.574 3.8 4711/4714/4715; 0845 51.660 5.374 3.8 5258/5271/5275
0847 51.378 5.696 3.8 5711/5712/5715; 0848 51.517 5.483 1.9 5691/5692/5694
0851 51.589 4.328 4.7 4651/4671/4756; 0852 52.455 5.015 3.8 1141/1151/1452
0855 51.571 5.066 4.2 5025/5038/5045; 0858 51.350 5.451 2.8 5551/5552/5554
0861 51.418 5.395 1.9 5503/5504/5508; 0865 51.644 5.268 3.0 5261/5262/5263
0866 51.388 5.466 1.5 5581/5582/5583; 0867 51.686 5.043 3.2 5142/5144/5161
0873 51.416 4.344 3.9 4631/4641/4645; 0879 51.480 4.663 4.4 4881/4884/4891
0880 52.500 4.834 2.5 1456/1531/1546; 0882 50.904 6.029 1.7 6372/6373/6374
0888 50.934 5.813 2.1 6176/6191/6199; 0889 51.275 6.082 2.0 5953/5954
0893 51.604 6.076 6.0 5851/5854/5855; 0899 50.944 5.968 1.7 6441/6444/6446
0907 51.702 5.978 2.8 6591/6595/6596; 0917 50.899 5.965 3.4 6413/6418/6431
0928 50.869 6.054 2.0 6461/6462/6466; 0935 50.849 5.695 2.8 6211/6217/6221
0938 50.898 5.754 2.0 6231/6235/6241; 0944 51.759 5.889 2.3 6584/6585/6587
0946 51.296 5.757 5.5 6031/6034/6035; 0957 51.193 6.005 2.9 6041/6042/6043
0965 50.827 5.986 1.4 6351/6353/6369; 0971 50.971 5.765 2.4 6129/6171/6181
0981 50.770 5.992 2.0 6291/6294/6295; 0983 51.366 6.159 4.9 5912/5913/5931
0984 51.523 5.984 5.0 5801/5802/5803; 0986 50.869 5.916 1.8 6311/6343/6367
0988 51.241 5.701 3.7 6001/6004/6006; 0994 50.862 5.818 2.9 6301/6305/6325
0995 52.511 5.471 4.0 8225/8226/8243; 1507 51.449 6.062 6.4 5961/5971/5975
1509 51.907 6.394 5.2 7051/7064/7071; 1525 52.221 4.507 2.1 2171/2172/2215
1581 52.038 5.355 5.9 3941/3971/3972; 1586 52.010 6.578 4.6 7131/7132/7141
1598 52.645 4.938 3.5 1633/1648/1713; 1621 51.998 4.491 2.5 2651/2652/2661
1640 51.239 5.895 6.5 6081/6088/6093; 1641 51.160 5.890 3.8 6051/6067/6097
1652 51.547 5.718 4.4 5421/5422/5761; 1655 51.590 4.529 3.8 4731/4741/4751
1658 51.370 5.574 3.8 5591/5595/6029; 1659 51.531 5.623 2.8 5735/5737/5741
1667 51.364 5.155 4.0 5094/5095/5541; 1669 51.145 6.033 4.3 6061/6074/6075
1674 51.524 4.455 4.2 4702/4707/4708; 1676 51.674 3.922 7.8 4301/4311/4328
1680 53.009 6.742 8.3 9451/9461/9468; 1681 52.910 6.875 6.9 7876/9521/9531
1690 52.696 6.368 7.8 7921/7961/7963; 1695 51.572 3.780 3.9 4484/4486/4493
1696 52.228 5.084 3.8 1231/1241/1394; 1699 53.123 6.439 6.3 9301/9321/9331
1700 52.447 6.595 4.7 7671/7681/7683; 1701 52.828 6.272 7.1 7971/7981/7991
1705 51.912 5.933 3.7 6681/6851/6852; 1706 51.284 5.598 3.9 6021/6023/6026
1708 52.765 6.063 7.5 8325/8331/8332; 1709 51.654 4.553 6.3 4761/4791/4793
1711 51.084 5.879 4.4 6101/6102/6114; 1714 51.335 3.505 7.1 4501/4511/4527
1719 51.677 4.766 3.9 4844/4921/4926; 1721 51.694 5.520 3.2 5384/5388/5473
1723 51.500 4.889 5.8 4855/4861/5131; 1724 51.310 5.337 4.7 5561/5571/5575
1728 51.364 5.236 4.0 5527/5528/5531; 1729 50.807 5.902 3.7 6271/6286/6321
1730 53.111 6.613 6.2 9471/9481/9761; 1731 52.882 6.514 9.4 9411/9422/9431
1734 51.926 5.798 4.7 6661/6662/6671; 1735 52.236 6.608 5.0 7471/7475/7491
1740 51.923 5.601 4.6 4041/4043/4051; 1742 52.299 6.480 3.3 7451/7461/7462
1771 51.426 5.574 2.0 5663/5665/5731; 1773 52.366 6.154 5.0 8121/8124/8131
1774 52.377 6.937 6.3 7591/7595/7631; 1783 52.003 4.218 3.5 2291/2681/2691
1842 51.978 4.306 3.1 2635/2636/3155; 1859 52.105 6.567 6.5 7151/7161/7271
1876 52.044 6.309 7.8 7021/7251/7255; 1883 50.995 5.843 3.9 6136/6137/6163
1884 52.196 4.635 3.5 2371/2377/2451; 1891 53.275 6.000 3.9 9104/9269/9271
1892 51.990 4.613 3.9 2761/2841/2914; 1894 51.333 5.995 4.8 5981/5991/5993
1895 53.166 7.031 6.8 9671/9675/9679; 1896 52.607 6.062 3.4 8061/8064/8281
1900 53.029 5.586 10.1 8604/8607/8701; 1901 52.072 4.760 3.3 2411/2811/3465
1903 50.799 5.758 3.9 6245/6267/6269; 1904 52.158 5.023 5.5 3601/3607/3621
1911 52.835 4.927 9.1 1761/1771/1777; 1916 52.084 4.382 2.4 2264/2273/2274
1924 51.751 4.121 9.6 3241/3245/3253; 1926 52.022 4.422 2.5 2631/2641/2645
1930 51.839 4.326 3.9 3201/3206/3207; 1931 51.944 4.746 6.2 2861/2871/2941
1940 52.920 5.734 9.8 8501/8531/8561; 1942 52.286 5.155 3.3 1402/1403/1411
1945 51.811 5.953 4.5 6561/6562/6566; 1948 51.604 5.504 4.9 5481/5482/5491
1949 53.218 5.609 6.7 8801/8802/9076; 1950 52.984 7.105 11.0 9541/9561/9695
1952 53.173 6.789 7.4 9601/9602/9611; 1954 50.936 5.898 4.4 6336/6361/6451
1955 51.916 6.197 5.2 6941/6942/7041; 1959 51.774 4.964 6.5 4251/4254/4261
1960 51.866 5.224 7.6 4153/4191/4194; 1961 51.937 5.070 5.7 4133/4142/4143
1963 51.784 4.469 7.3 3261/3262/3281; 1966 53.359 6.559 11.1 9781/9951/9981
1969 53.200 6.342 8.2 9351/9363/9801; 1970 53.322 6.011 8.7 9101/9291/9298
1978 51.885 4.831 7.2 2957/2964/3381; 1979 53.326 6.859 8.6 9902/9932/9934
1980 52.669 4.824 3.2 1701/1703/1705; 1982 51.682 5.859 8.8 5361/5431/5831
1991 51.676 5.636 4.4 5401/5402/5403; 1992 51.866 4.143 4.3 3223/3224/3232
"""


@dataclass(frozen=True)
class Area:
    """Where in a municipality branches go."""

    latitude: float
    longitude: float
    spread_km: float
    pc4: tuple[str, ...]


@cache
def areas() -> dict[str, Area]:
    """The postcode table above, by CBS code (``GM0344``)."""
    table: dict[str, Area] = {}
    for entry in re.split(r"[;\n]", _AREAS):
        if not entry.strip():
            continue
        code, latitude, longitude, spread, pc4 = entry.split()
        table[f"GM{code}"] = Area(
            float(latitude), float(longitude), float(spread), tuple(pc4.split("/"))
        )
    return table


@dataclass
class PlannedLibrary:
    isil: str
    name: str
    short_name: str
    province: str
    municipalities: list[Municipality]  # the most populous first: the main library is there
    id: int = 0

    @property
    def population(self) -> int:
        return sum(m.population for m in self.municipalities)


@dataclass
class PlannedBranch:
    library: PlannedLibrary
    code: str
    kind: str
    municipality: Municipality
    id: int = 0


@dataclass
class Generation:
    """What the generator steps share: the request, and what earlier steps made."""

    scale: str
    libraries_wanted: int
    seed: int
    today: dt.date
    records_wanted: int = 0
    items_wanted: int = 0
    persons_wanted: int = 0
    loans_wanted: int = 0
    progress: Callable[[str], None] | None = None
    libraries: list[PlannedLibrary] = field(default_factory=list)
    branches: list[PlannedBranch] = field(default_factory=list)
    records: list[GeneratedRecord] = field(default_factory=list)

    def rng(self, step: str) -> random.Random:
        """A generator of its own per step, so adding a step changes no earlier step's output."""
        return random.Random(f"{self.seed}/{step}")


@dataclass(frozen=True)
class GeneratorStep:
    """One part of the synthetic network; ``delete`` removes what an earlier run made."""

    name: str
    generate: Callable[[Generation], dict[str, int]]
    delete: Callable[[], None]


@dataclass(frozen=True)
class GeneratedNetwork:
    scale: str
    seed: int
    counts: dict[str, int]


def scale_libraries(scale: str | int) -> int:
    """The number of library organisations for a named scale or a number."""
    if isinstance(scale, str) and not scale.isdigit():
        if scale not in SCALES:
            raise ValueError(f"unknown scale {scale!r}; use one of {', '.join(SCALES)} or a number")
        return SCALES[scale]
    count = int(scale)
    if not 1 <= count <= MAX_LIBRARIES:
        raise ValueError(f"the number of libraries must be between 1 and {MAX_LIBRARIES}")
    return count


def generated_organisations() -> QuerySet[Organisation]:
    return Organisation.objects.filter(isil__startswith=GENERATED_ISIL_PREFIX)


def scale_catalogue(
    scale: str | int, records: int | None = None, items: int | None = None
) -> tuple[int, int]:
    """(records, items) for a scale, unless given; items default to two per record."""
    default_records, default_items = CATALOGUES.get(str(scale), (0, 0))
    if records is None:
        records = default_records
    if items is None:
        items = default_items if records == default_records else records * ITEMS_PER_RECORD
    if not 0 <= records <= MAX_RECORDS or items < 0:
        raise ValueError(f"the number of records must be between 0 and {MAX_RECORDS:,}")
    if items and not records:
        raise ValueError("items need records: ask for a catalogue too")
    return records, items


def scale_persons(scale: str | int, persons: int | None = None) -> int:
    """The number of synthetic members for a scale, unless given."""
    if persons is None:
        persons = PERSONS.get(str(scale), 0)
    if not 0 <= persons <= MAX_PERSONS:
        raise ValueError(f"the number of persons must be between 0 and {MAX_PERSONS:,}")
    return persons


def scale_loans(scale: str | int, loans: int | None = None) -> int:
    """The number of synthetic loans for a scale, unless given."""
    if loans is None:
        loans = LOANS.get(str(scale), 0)
    if not 0 <= loans <= MAX_LOANS:
        raise ValueError(f"the number of loans must be between 0 and {MAX_LOANS:,}")
    return loans


def network_generate(
    *,
    scale: str | int,
    seed: int = 2026,
    today: dt.date | None = None,
    progress: Callable[[str], None] | None = None,
    records: int | None = None,
    items: int | None = None,
    persons: int | None = None,
    loans: int | None = None,
    detail: Callable[[str], None] | None = None,
) -> GeneratedNetwork:
    """Replace the synthetic network (ISILs ``NL-Gen…``) with a new one of ``scale``.

    ``today`` anchors the closures (last year to two years ahead) and the members' ages
    and memberships; ``progress`` is called with each step's name when it is done,
    ``detail`` with progress inside the long steps. ``records``/``items`` size the
    synthetic catalogue (default: the scale's, see :data:`CATALOGUES`), ``persons`` the
    members (default: :data:`PERSONS`), ``loans`` the loans (default: :data:`LOANS`).
    """
    libraries = scale_libraries(scale)
    records, items = scale_catalogue(scale, records, items)
    persons = scale_persons(scale, persons)
    loans = scale_loans(scale, loans)
    generation = Generation(
        str(scale),
        libraries,
        seed,
        today or timezone.localdate(),
        records_wanted=records,
        items_wanted=items,
        persons_wanted=persons,
        loans_wanted=loans,
        progress=detail,
    )
    counts: dict[str, int] = {}
    with transaction.atomic():
        synthetic_network_delete()
        if progress:
            progress("delete")
        for step in STEPS:
            counts.update(step.generate(generation))
            if progress:
                progress(step.name)
        audit_record(
            actor=None,
            event_type="network.synthetic_network.generated",
            organisation_id=None,
            details={"scale": str(scale), "seed": seed, "counts": counts},
        )
    return GeneratedNetwork(scale=str(scale), seed=seed, counts=counts)


def synthetic_network_delete() -> None:
    """Delete the synthetic network, the last step's rows first."""
    with transaction.atomic():
        for step in reversed(STEPS):
            step.delete()


# --- organisations ---------------------------------------------------------------------

ORGANISATION_FIELDS = (
    "isil", "name", "short_name", "kind", "province", "support_organisation", "website",
    "email", "phone", "is_active", "created_at",
)  # fmt: skip


def _organisation_ids() -> dict[str, int]:
    return dict(generated_organisations().values_list("isil", "id"))


def _organisations_generate(generation: Generation) -> dict[str, int]:
    rng = generation.rng("organisations")
    now = timezone.now()
    table = areas()
    # A municipality new since the table above was made is left out rather than misplaced.
    municipalities = [m for m in Municipality.objects.order_by("cbs_code") if m.cbs_code in table]
    if not municipalities:
        raise ValueError("no municipalities: run `samenbieb migrate` to load the reference data")

    def row(
        isil: str, name: str, short: str, kind: str, province: str, support: int | None
    ) -> tuple[object, ...]:
        host = slugify(short) or "bibliotheek"
        website, email = f"https://{host}.bibliotheek.example", f"info@{host}.bibliotheek.example"
        return (isil, name, short, kind, province, support, website, email, "", True, now)

    heads = [row(NATIONAL_ISIL, "Nationale Bibliotheek (synthetisch)", "NB", "national", "", None)]
    for isil, name, group in SUPPORT_GROUPS:
        short = name.removeprefix("Bibliotheekservice ")
        heads.append(row(isil, name, short, OrganisationKind.SUPPORT, group[0], None))
    bulk_insert(Organisation, heads, ORGANISATION_FIELDS)
    ids = _organisation_ids()
    support_of = {
        province: ids[isil] for isil, _name, group in SUPPORT_GROUPS for province in group
    }

    generation.libraries = _libraries_plan(rng, municipalities, generation.libraries_wanted)
    libraries = (
        (lib.isil, lib.name, lib.short_name, "library", lib.province, support_of[lib.province])
        for lib in generation.libraries
    )
    bulk_insert(Organisation, (row(*library) for library in libraries), ORGANISATION_FIELDS)
    ids = _organisation_ids()
    for library in generation.libraries:
        library.id = ids[library.isil]
    through = Organisation.municipalities.through
    links = bulk_insert(
        through,
        ((lib.id, m.pk) for lib in generation.libraries for m in lib.municipalities),
        ("organisation", "municipality"),
    )
    return {"organisations": len(ids), "municipality_links": links}


def _libraries_plan(
    rng: random.Random, municipalities: list[Municipality], count: int
) -> list[PlannedLibrary]:
    """Give each library one to three neighbouring municipalities of one province.

    When there are fewer municipalities than three per library, sizes are balanced so
    the libraries together serve nearly the whole country; beyond 342 libraries the
    municipalities are dealt out again.
    """
    libraries: list[PlannedLibrary] = []
    names: Counter[str] = Counter()
    pool: list[Municipality] = []
    for number in range(1, count + 1):
        if not pool:
            pool = list(municipalities)
            rng.shuffle(pool)
        remaining = count - number + 1
        if len(pool) >= 3 * remaining:
            size = rng.choices((1, 2, 3), weights=(5, 3, 2))[0]
        else:
            size = min(3, max(1, round(len(pool) / remaining + rng.uniform(-0.6, 0.6))))
        first = pool.pop()
        neighbours = sorted(
            (m for m in pool if m.province == first.province), key=lambda m: _distance_km(first, m)
        )[: size - 1]
        for neighbour in neighbours:
            pool.remove(neighbour)
        served = sorted([first, *neighbours], key=lambda m: (-m.population, m.cbs_code))
        cities = [city_name(m) for m in served]
        name = _library_name(rng, cities, served[0].population)
        names[name] += 1
        if names[name] > 1:
            name = f"{name} {names[name]}"
        letters = re.sub(r"[^a-z]", "", slugify(cities[0]))[:2].capitalize() or "Xx"
        libraries.append(
            PlannedLibrary(
                isil=f"{GENERATED_ISIL_PREFIX}{letters}{number:04d}",
                name=name,
                short_name=cities[0][:60],
                province=served[0].province,
                municipalities=served,
            )
        )
    return libraries


def _library_name(rng: random.Random, cities: list[str], population: int) -> str:
    if len(cities) == 1:
        patterns = ["Bibliotheek {0}", "Openbare Bibliotheek {0}"]
        if population > 80_000:
            patterns.append("Stadsbibliotheek {0}")
    elif len(cities) == 2:
        patterns = ["Bibliotheek {0}-{1}", "Bibliotheek {0} en {1}", "Bibliotheek {0} e.o."]
    else:
        patterns = ["Bibliotheek {0} e.o.", "Bibliotheek Regio {0}", "Bibliotheken {0}-{1}-{2}"]
    return rng.choice(patterns).format(*cities)[:150]


def _organisations_delete() -> None:
    generated = generated_organisations()
    Organisation.municipalities.through.objects.filter(organisation__in=generated).delete()
    # Libraries first: a support organisation is protected while libraries point to it.
    generated.filter(kind=OrganisationKind.LIBRARY).delete()
    generated.delete()


# --- branches --------------------------------------------------------------------------

BRANCH_FIELDS = (
    "organisation", "code", "name", "kind", "street", "house_number", "postcode", "city",
    "municipality", "latitude", "longitude", "phone", "email", "is_active",
)  # fmt: skip


def city_name(municipality: Municipality) -> str:
    """The name without CBS's disambiguation suffix: ``Bergen (NH.)`` → ``Bergen``."""
    return re.sub(r"\s*\(.*\)$", "", municipality.name)


def _distance_km(a: Municipality, b: Municipality) -> float:
    first, second = areas()[a.cbs_code], areas()[b.cbs_code]
    north = (first.latitude - second.latitude) * KM_PER_DEGREE
    east = (first.longitude - second.longitude) * KM_PER_DEGREE
    east *= math.cos(math.radians(first.latitude))
    return math.hypot(north, east)


def _branches_generate(generation: Generation) -> dict[str, int]:
    rng = generation.rng("branches")
    rows: list[tuple[object, ...]] = []
    generation.branches = []
    for library in generation.libraries:
        served = library.municipalities
        wanted = round(library.population / INHABITANTS_PER_BRANCH) + rng.randint(1, 3)
        count = max(len(served), min(MAX_BRANCHES_PER_LIBRARY, wanted))
        # A branch in every municipality served (the main library in the largest), the
        # rest where people live.
        places = served + rng.choices(
            served, weights=[m.population for m in served], k=count - len(served)
        )
        codes: Counter[str] = Counter()
        has_mobile = False
        for index, municipality in enumerate(places):
            if index == 0:
                kind = BranchKind.MAIN
            elif index < len(served):
                kind = BranchKind.BRANCH
            else:
                kind = rng.choices(OTHER_KINDS, weights=OTHER_KIND_WEIGHTS)[0]
                if kind == BranchKind.MOBILE and has_mobile:
                    kind = BranchKind.BRANCH
            has_mobile = has_mobile or kind == BranchKind.MOBILE
            city = city_name(municipality)
            name = _branch_name(rng, kind, city, library)
            code = _branch_code(name)
            codes[code] += 1
            if codes[code] > 1:
                code = f"{code}-{codes[code]}"
            area = areas()[municipality.cbs_code]
            # The main library near the centre; other branches spread over the municipality.
            spread = 0.3 if kind == BranchKind.MAIN else area.spread_km * 0.6
            latitude = area.latitude + rng.gauss(0, spread) / KM_PER_DEGREE
            east = rng.gauss(0, spread) / (KM_PER_DEGREE * math.cos(math.radians(latitude)))
            longitude = area.longitude + east
            street = rng.choice(SQUARES if kind == BranchKind.MAIN else STREETS)
            rows.append(
                (
                    library.id, code, name, kind, street, str(rng.randint(1, 180)),
                    postcode_random(rng, rng.choice(area.pc4)), city, municipality.pk,
                    Decimal(f"{latitude:.6f}"), Decimal(f"{longitude:.6f}"), "", "", True,
                )
            )  # fmt: skip
            generation.branches.append(PlannedBranch(library, code, kind, municipality))
    inserted = bulk_insert(Branch, rows, BRANCH_FIELDS)
    ids = {
        (organisation_id, code): pk
        for organisation_id, code, pk in Branch.objects.filter(
            organisation__isil__startswith=GENERATED_ISIL_PREFIX
        ).values_list("organisation_id", "code", "id")
    }
    for branch in generation.branches:
        branch.id = ids[branch.library.id, branch.code]
    return {"branches": inserted}


def _branch_name(rng: random.Random, kind: str, city: str, library: PlannedLibrary) -> str:
    if kind == BranchKind.MAIN:
        prefix = "Centrale Bibliotheek" if library.population > 100_000 else "Bibliotheek"
        return f"{prefix} {city}"
    if kind == BranchKind.SERVICE_POINT:
        return f"Servicepunt {city} {rng.choice(DISTRICTS)}"
    if kind == BranchKind.SCHOOL_LIBRARY:
        return f"Schoolbibliotheek {rng.choice(SCHOOLS)} {city}"
    if kind == BranchKind.INFORMATION_POINT:
        return f"Informatiepunt Digitale Overheid {city}"
    if kind == BranchKind.MOBILE:
        return f"Bibliobus {library.short_name}"
    if city == library.short_name or rng.random() < 0.6:
        return f"Bibliotheek {city} {rng.choice(DISTRICTS)}"
    return f"Bibliotheek {city}"


def _branch_code(name: str) -> str:
    """A short slug: ``Schoolbibliotheek De Klimop Ede`` → ``school-de-klimop-ede``."""
    for prefix, short in CODE_PREFIXES:
        if name.startswith(prefix):
            name = short + name.removeprefix(prefix)
            break
    code = slugify(name)
    if len(code) > 26:  # room for a "-2" when two branches would share a code
        code = code[:27].rsplit("-", 1)[0]
    return code or "vestiging"


def postcode_random(rng: random.Random, pc4: str) -> str:
    """A valid postcode in the 4-digit area ``pc4``, with random letters."""
    while True:
        letters = rng.choice(POSTCODE_LETTERS) + rng.choice(POSTCODE_LETTERS)
        if letters not in {"SA", "SD", "SS"}:
            return f"{pc4} {letters}"


def _branches_delete() -> None:
    Branch.objects.filter(organisation__isil__startswith=GENERATED_ISIL_PREFIX).delete()


# --- opening hours ---------------------------------------------------------------------


def _opening_hours_generate(generation: Generation) -> dict[str, int]:
    rng = generation.rng("opening_hours")
    rows = (
        (branch.id, weekday, opens, closes)
        for branch in generation.branches
        for weekday, periods in sorted(_week(rng, branch).items())
        for opens, closes in periods
    )
    return {
        "opening_hours": bulk_insert(OpeningHours, rows, ("branch", "weekday", "opens", "closes"))
    }


def _week(rng: random.Random, branch: PlannedBranch) -> dict[int, list[Period]]:
    """A weekly schedule for the branch's kind, shifted or with a day less for variety."""
    template: Week
    if branch.kind == BranchKind.MAIN:
        template = CENTRAL if branch.library.population > 80_000 else SMALL_TOWN
    elif branch.kind == BranchKind.SERVICE_POINT:
        template = SERVICE_POINT
    elif branch.kind == BranchKind.SCHOOL_LIBRARY:
        template = SCHOOL
    elif branch.kind == BranchKind.INFORMATION_POINT:
        template = INFORMATION_POINT
    elif branch.kind == BranchKind.MOBILE:
        template = MOBILE
    else:
        template = rng.choice((NEIGHBOURHOOD, SMALL_TOWN))
    shift = dt.timedelta(minutes=rng.choice((-30, 0, 0, 0, 30)))
    week = {
        day: [(_shifted(o, shift), _shifted(c, shift)) for o, c in periods]
        for day, periods in template.items()
    }
    if branch.kind == BranchKind.BRANCH and len(week) > 3 and rng.random() < 0.25:
        del week[rng.choice(sorted(week))]
    return week


def _shifted(time: dt.time, shift: dt.timedelta) -> dt.time:
    return (dt.datetime.combine(dt.date(2000, 1, 1), time) + shift).time()


def _opening_hours_delete() -> None:
    OpeningHours.objects.filter(
        branch__organisation__isil__startswith=GENERATED_ISIL_PREFIX
    ).delete()


# --- closures --------------------------------------------------------------------------


def _closures_generate(generation: Generation) -> dict[str, int]:
    rng = generation.rng("closures")
    today = generation.today
    years = range(today.year - 1, today.year + 3)
    closing_days = sorted(
        (day, name)
        for day, name in holidays.country_holidays("NL", years=years, language="nl").items()
        if name in CLOSING_HOLIDAYS
    )
    rows: list[tuple[object, ...]] = []
    for library in generation.libraries:
        rows.extend((library.id, None, day, day, name) for day, name in closing_days)
        if rng.random() < 0.4:
            for year in years:
                day = dt.date(year, 9, 1) + dt.timedelta(days=rng.randint(0, 80))
                rows.append((library.id, None, day, day, "Studiedag medewerkers"))
    for branch in generation.branches:
        if branch.kind == BranchKind.SCHOOL_LIBRARY:
            region = SCHOOL_REGION[branch.municipality.province]
            for year in years:
                # The three regions take turns starting first, a week apart.
                start = dt.date.fromisocalendar(year, 27 + (year + region) % 3, 6)
                rows.append(
                    (
                        branch.library.id,
                        branch.id,
                        start,
                        start + dt.timedelta(days=43),
                        "Zomervakantie",
                    )
                )
        elif branch.kind != BranchKind.MOBILE and rng.random() < 0.03:
            start = today + dt.timedelta(days=rng.randint(14, 300))
            end = start + dt.timedelta(days=rng.randint(6, 27))
            rows.append((branch.library.id, branch.id, start, end, "Verbouwing"))
    fields = ("organisation", "branch", "start_date", "end_date", "reason")
    return {"closures": bulk_insert(Closure, rows, fields)}


def _closures_delete() -> None:
    Closure.objects.filter(organisation__isil__startswith=GENERATED_ISIL_PREFIX).delete()


# --- catalogue and copies ------------------------------------------------------------


def _records_generate(generation: Generation) -> dict[str, int]:
    counts, generation.records = records_generate(
        count=generation.records_wanted,
        rng=generation.rng("records"),
        progress=generation.progress,
    )
    return counts


def _items_generate(generation: Generation) -> dict[str, int]:
    branches = [
        LendingBranch(branch.id, branch.library.id)
        for branch in generation.branches
        if branch.kind in LENDING_KINDS
    ]
    return items_generate(
        count=generation.items_wanted,
        rng=generation.rng("items"),
        records=generation.records,
        branches=branches,
        today=generation.today,
        progress=generation.progress,
    )


def _items_delete() -> None:
    items_delete(list(generated_organisations().values_list("id", flat=True)))


# --- members -------------------------------------------------------------------------


def _persons_generate(generation: Generation) -> dict[str, int]:
    # Imported here: the members generator builds on this module's postcode table.
    from samenbieb.members.generate import HomeLibrary, home_municipality, persons_generate

    libraries = [
        HomeLibrary(
            library.id,
            tuple(
                home_municipality(m.cbs_code, city_name(m), m.population)
                for m in library.municipalities
            ),
        )
        for library in generation.libraries
    ]
    return persons_generate(
        count=generation.persons_wanted,
        rng=generation.rng("persons"),
        libraries=libraries,
        today=generation.today,
        progress=generation.progress,
    )


def _persons_delete() -> None:
    from samenbieb.members.generate import persons_delete

    persons_delete(list(generated_organisations().values_list("id", flat=True)))


# --- loans ---------------------------------------------------------------------------


def _loans_generate(generation: Generation) -> dict[str, int]:
    from samenbieb.circulation.generate import loans_generate

    return loans_generate(
        count=generation.loans_wanted,
        rng=generation.rng("loans"),
        today=generation.today,
        progress=generation.progress,
    )


def _loans_delete() -> None:
    from samenbieb.circulation.generate import loans_delete

    loans_delete(list(generated_organisations().values_list("id", flat=True)))


# In order of generation; deletion runs in reverse.
STEPS: list[GeneratorStep] = [
    GeneratorStep("organisations", _organisations_generate, _organisations_delete),
    GeneratorStep("branches", _branches_generate, _branches_delete),
    GeneratorStep("opening_hours", _opening_hours_generate, _opening_hours_delete),
    GeneratorStep("closures", _closures_generate, _closures_delete),
    GeneratorStep("records", _records_generate, records_delete),
    GeneratorStep("items", _items_generate, _items_delete),
    GeneratorStep("persons", _persons_generate, _persons_delete),
    GeneratorStep("loans", _loans_generate, _loans_delete),
]
