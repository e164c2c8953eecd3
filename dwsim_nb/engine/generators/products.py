"""Names of products: what a shop or a catalogue sells.

Random words ("group", "better") read as nothing a shop sells, and a person's or a company's name
reads as the wrong thing. A product's name here takes the shapes real ones take: a quality, a
flavour or a material, and the thing ("Organic Green Tea", "Smoked Chili Sauce", "Steel Water
Bottle", "Compact Bamboo Cutting Board"), from fixed word lists and a fixed seed: data, like the
Faker pools and the titles.
"""

from __future__ import annotations

import functools

import numpy as np
import pyarrow as pa

PRODUCTS = 4096
_SEED = 20241206


def _words(text: str) -> tuple[str, ...]:
    return tuple(w.replace("_", " ") for w in text.split())


_FOOD_QUALITIES = _words(
    "Organic Classic Premium Spicy Smoked Fresh Roasted Sweet Aged Wild Original Traditional "
    "Homestyle Golden Rustic Natural Crispy Creamy Zesty"
)
_FLAVORS = _words(
    "Green_Tea Vanilla Cinnamon Lemon Honey Garlic Chocolate Maple Mango Ginger Almond Raspberry "
    "Coconut Chili Basil Hazelnut Blueberry Peppermint Caramel Sesame Cherry Orange Truffle"
)
_FOODS = _words(
    "Tea Coffee Sauce Cookies Crackers Syrup Jam Cheese Pasta Noodles Chips Granola Spread "
    "Vinegar Olive_Oil Soup Biscuits Mustard Chutney Bread Yogurt Ice_Cream Cereal Salsa Candy"
)
_GOODS_QUALITIES = _words(
    "Classic Deluxe Premium Heavy-Duty Essential Everyday Travel Vintage Modern Handmade Rustic"
)
_GADGET_QUALITIES = _words("Wireless Portable Compact Pro Slim Ergonomic Mini Smart")
# Materials with the things made of them: hard goods and soft goods.
_HARD = _words(
    "Steel Bamboo Ceramic Glass Oak Copper Walnut Aluminum Marble Stoneware Cast_Iron Enamel"
)
_HARD_GOODS = _words(
    "Water_Bottle Desk_Lamp Mug Cutting_Board Frying_Pan Teapot Serving_Bowl Coasters Planter "
    "Chair Lunch_Box Vase Tray Salad_Bowl"
)
_SOFT = _words("Leather Cotton Wool Linen Canvas Fleece Denim Cashmere")
_SOFT_GOODS = _words(
    "Backpack Wallet Jacket Blanket Tote_Bag Cushion Towel Scarf Apron Throw_Pillow Gloves Beanie"
)
_GADGETS = _words("Headphones Keyboard Umbrella Phone_Case Watch Speaker Notebook Flashlight")

# (share, shape); {q} a food's quality, {f} a flavour, {d} a food, {g} a good's quality,
# {w} a gadget's quality, {h} / {s} a hard or soft material, {o} / {t} / {x} hard goods,
# soft goods and gadgets.
_SHAPES: tuple[tuple[float, str], ...] = (
    (0.22, "{q} {f} {d}"),
    (0.14, "{f} {d}"),
    (0.08, "{q} {d}"),
    (0.12, "{g} {h} {o}"),
    (0.10, "{h} {o}"),
    (0.10, "{g} {s} {t}"),
    (0.08, "{s} {t}"),
    (0.10, "{w} {x}"),
    (0.06, "{g} {o}"),
)
_LISTS = {
    "q": _FOOD_QUALITIES,
    "f": _FLAVORS,
    "d": _FOODS,
    "g": _GOODS_QUALITIES,
    "w": _GADGET_QUALITIES,
    "h": _HARD,
    "o": _HARD_GOODS,
    "s": _SOFT,
    "t": _SOFT_GOODS,
    "x": _GADGETS,
}


@functools.lru_cache(maxsize=1)
def product_pool() -> pa.Array:
    """:data:`PRODUCTS` product names from a fixed seed, in the shares of :data:`_SHAPES`."""
    rng = np.random.default_rng(_SEED)
    shares = np.array([s for s, _ in _SHAPES])
    shape = rng.choice(len(_SHAPES), size=PRODUCTS, p=shares / shares.sum())
    picks = {k: rng.integers(0, len(words), PRODUCTS) for k, words in _LISTS.items()}
    out = [
        _SHAPES[shape[i]][1].format(**{k: _LISTS[k][picks[k][i]] for k in _LISTS})
        for i in range(PRODUCTS)
    ]
    return pa.array(out, pa.string())
