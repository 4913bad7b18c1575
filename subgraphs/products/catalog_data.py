"""Vocabulary for demo and benchmark catalogs: ten categories of plausible goods.

Each category lists item kinds (with a typical price range), brands, and the
features descriptions are made from. Both the demo seed and the large-catalog
generator draw from here, so search behaves alike on both.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ItemKind:
    noun: str
    low_price: int
    high_price: int


@dataclass(frozen=True)
class CategoryVocabulary:
    name: str
    kinds: tuple[ItemKind, ...]
    brands: tuple[str, ...]
    features: tuple[str, ...]


def _kinds(*rows: tuple[str, int, int]) -> tuple[ItemKind, ...]:
    return tuple(ItemKind(noun, low, high) for noun, low, high in rows)


CATEGORIES: tuple[CategoryVocabulary, ...] = (
    CategoryVocabulary(
        "Electronics",
        _kinds(
            ("Wireless Headphones", 39, 399),
            ("Bluetooth Speaker", 25, 299),
            ("Smartwatch", 79, 499),
            ("4K Monitor", 199, 899),
            ("Action Camera", 99, 499),
            ("E-Reader", 89, 249),
            ("Portable Charger", 15, 89),
            ("Soundbar", 99, 699),
            ("Streaming Stick", 29, 79),
            ("Noise-Cancelling Earbuds", 49, 299),
        ),
        ("Aurora", "Voltix", "Nimbus", "Sonara", "Keystone", "Pixelon"),
        (
            "long battery life",
            "USB-C charging",
            "low-latency audio",
            "water resistance",
            "a matte anti-glare screen",
            "voice assistant support",
            "a compact aluminium body",
        ),
    ),
    CategoryVocabulary(
        "Computers",
        _kinds(
            ("Laptop 14-inch", 599, 1999),
            ("Gaming Laptop", 999, 2999),
            ("Mechanical Keyboard", 49, 229),
            ("Wireless Mouse", 19, 129),
            ("USB-C Dock", 59, 299),
            ("External SSD", 59, 399),
            ("Laptop Stand", 19, 99),
            ("Webcam", 39, 199),
            ("Desktop Tower", 699, 2499),
            ("Laptop Backpack", 39, 149),
        ),
        ("Quantum", "Ironclad", "Brightbyte", "Northwind", "Helix", "Ardent"),
        (
            "a backlit keyboard",
            "fast NVMe storage",
            "Wi-Fi 6E",
            "a fingerprint reader",
            "hot-swappable switches",
            "an all-day battery",
            "a fanless design",
        ),
    ),
    CategoryVocabulary(
        "Home & Kitchen",
        _kinds(
            ("Espresso Machine", 149, 899),
            ("Chef Knife", 29, 199),
            ("Cast Iron Skillet", 25, 119),
            ("Blender", 49, 449),
            ("Electric Kettle", 25, 129),
            ("Air Fryer", 69, 249),
            ("Cutting Board", 15, 89),
            ("Stand Mixer", 199, 599),
            ("Coffee Grinder", 29, 299),
            ("Dutch Oven", 49, 379),
        ),
        ("Hearthstone", "Copperleaf", "Maison Claire", "Oakhouse", "Kitchara", "Solenne"),
        (
            "a dishwasher-safe finish",
            "even heat distribution",
            "a brushed steel body",
            "a quiet motor",
            "a non-slip base",
            "a lifetime warranty",
            "precise temperature control",
        ),
    ),
    CategoryVocabulary(
        "Outdoors",
        _kinds(
            ("Two-Person Tent", 99, 499),
            ("Sleeping Bag", 49, 349),
            ("Trekking Poles", 29, 169),
            ("Camp Stove", 29, 149),
            ("Headlamp", 15, 79),
            ("Hydration Pack", 35, 149),
            ("Water Filter", 19, 99),
            ("Hammock", 25, 129),
            ("Insulated Bottle", 19, 49),
            ("Rain Jacket", 79, 349),
        ),
        ("Summitcraft", "Wildpath", "Alpenglow", "Ridgeline", "Cedar & Co", "Trailborn"),
        (
            "a packable design",
            "ripstop nylon",
            "a waterproof seal",
            "an ultralight frame",
            "reflective details",
            "a three-season rating",
            "recycled materials",
        ),
    ),
    CategoryVocabulary(
        "Sports & Fitness",
        _kinds(
            ("Yoga Mat", 19, 129),
            ("Adjustable Dumbbells", 99, 449),
            ("Resistance Bands Set", 15, 59),
            ("Road Bike Helmet", 49, 299),
            ("Jump Rope", 9, 39),
            ("Foam Roller", 15, 59),
            ("Kettlebell", 25, 129),
            ("Tennis Racket", 49, 259),
            ("Running Belt", 15, 45),
            ("Pull-Up Bar", 25, 89),
        ),
        ("Stridewell", "Peakform", "Coreline", "Velocita", "Ironpeak", "Flowfit"),
        (
            "a non-slip grip",
            "sweat-resistant padding",
            "an adjustable fit",
            "a lightweight build",
            "high-density foam",
            "a carry strap",
            "a compact storage size",
        ),
    ),
    CategoryVocabulary(
        "Clothing",
        _kinds(
            ("Merino Wool Sweater", 59, 179),
            ("Denim Jacket", 49, 189),
            ("Organic Cotton T-Shirt", 15, 45),
            ("Chino Trousers", 39, 119),
            ("Down Vest", 69, 229),
            ("Linen Shirt", 35, 119),
            ("Fleece Hoodie", 39, 129),
            ("Wool Beanie", 15, 49),
            ("Puffer Coat", 99, 399),
            ("Running Shorts", 19, 69),
        ),
        ("Fernhill", "Mistral", "Everlane Row", "Oak & Thread", "Northcoast", "Lumen"),
        (
            "a relaxed fit",
            "breathable fabric",
            "reinforced seams",
            "a soft brushed lining",
            "recycled fibres",
            "a tailored cut",
            "machine-washable material",
        ),
    ),
    CategoryVocabulary(
        "Footwear",
        _kinds(
            ("Trail Running Shoe", 79, 199),
            ("Leather Boot", 99, 329),
            ("Canvas Sneaker", 39, 99),
            ("Hiking Boot", 99, 279),
            ("Slip-On Loafer", 59, 189),
            ("Sport Sandal", 29, 119),
            ("Road Running Shoe", 79, 219),
            ("Winter Boot", 89, 299),
            ("Court Shoe", 59, 149),
            ("Wool Slipper", 29, 99),
        ),
        ("Stridewell", "Cobbler & Sons", "Terrafoot", "Swiftline", "Bramble", "Kestrel"),
        (
            "a cushioned midsole",
            "a grippy outsole",
            "a waterproof membrane",
            "a wide toe box",
            "full-grain leather",
            "a breathable mesh upper",
            "a removable insole",
        ),
    ),
    CategoryVocabulary(
        "Books",
        _kinds(
            ("Cookbook", 15, 49),
            ("Science Fiction Novel", 9, 29),
            ("Field Guide to Birds", 15, 39),
            ("History of Rome", 19, 45),
            ("Programming Handbook", 29, 79),
            ("Mystery Novel", 9, 25),
            ("Travel Guide", 15, 35),
            ("Poetry Collection", 9, 29),
            ("Children's Picture Book", 7, 25),
            ("Photography Manual", 19, 59),
        ),
        (
            "Lantern Press",
            "Inkwell House",
            "Meridian Books",
            "Blue Heron",
            "Quillstone",
            "Paperlark",
        ),
        (
            "full-colour illustrations",
            "a hardcover binding",
            "a foreword by the author",
            "an index of recipes",
            "annotated maps",
            "a new translation",
            "practical exercises",
        ),
    ),
    CategoryVocabulary(
        "Toys & Games",
        _kinds(
            ("Strategy Board Game", 25, 89),
            ("Jigsaw Puzzle 1000 Pieces", 15, 39),
            ("Building Blocks Set", 19, 149),
            ("Remote Control Car", 29, 149),
            ("Card Game", 9, 29),
            ("Wooden Train Set", 29, 119),
            ("Plush Bear", 12, 49),
            ("Science Kit", 19, 69),
            ("Chess Set", 25, 199),
            ("Kite", 15, 59),
        ),
        ("Playwright", "Tumbleworks", "Brightpeg", "Meeple & Co", "Kitestone", "Wonderloom"),
        (
            "sturdy components",
            "rules for 2 to 6 players",
            "non-toxic paint",
            "a storage box",
            "rechargeable batteries",
            "an expansion pack",
            "sustainably sourced wood",
        ),
    ),
    CategoryVocabulary(
        "Beauty & Personal Care",
        _kinds(
            ("Electric Toothbrush", 29, 199),
            ("Hair Dryer", 39, 399),
            ("Face Moisturiser", 12, 79),
            ("Beard Trimmer", 25, 129),
            ("Sunscreen SPF 50", 9, 35),
            ("Shampoo Bar", 7, 19),
            ("Vitamin C Serum", 15, 69),
            ("Bamboo Hairbrush", 9, 35),
            ("Shaving Kit", 25, 99),
            ("Lip Balm Set", 7, 25),
        ),
        ("Solenne", "Purebloom", "Driftwood", "Velvetine", "Greenleaf", "Clearwater"),
        (
            "fragrance-free ingredients",
            "a travel case",
            "a rechargeable battery",
            "vegan ingredients",
            "plastic-free packaging",
            "dermatologist testing",
            "a gentle formula",
        ),
    ),
)
