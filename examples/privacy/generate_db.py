#!/usr/bin/env python3
"""Builds the synthetic shop database of the DP SQL walkthrough (examples/privacy/README-sql.md).

Tables (SQLite, standard library only, fixed seed so every run writes the same rows):
  people(id, country, age, signup_year)              20 000 rows
  visits(person_id, page, day, seconds)              ~240 000 rows
  purchases(person_id, category, amount, quantity)   ~100 000 rows

Every person is a privacy unit (`person_id`); a few heavy users have hundreds of visits and
purchases, which is what contribution bounding is for.

  usage: examples/privacy/generate_db.py [OUTPUT.db] [PEOPLE]
         (defaults: examples/privacy/shop.db, 20 000 people; the demo uses 3 000 for speed)
"""
import os
import random
import sqlite3
import sys

SEED = 20261129
PEOPLE = 20_000
COUNTRIES = [("DE", 0.22), ("FR", 0.18), ("US", 0.30), ("JP", 0.12), ("BR", 0.10), ("NZ", 0.08)]
PAGES = ["home", "search", "product", "cart", "checkout", "help"]
CATEGORIES = {  # category: (mean amount, spread)
    "books": (18.0, 9.0),
    "games": (45.0, 20.0),
    "food": (12.0, 6.0),
    "tools": (60.0, 35.0),
    "garden": (35.0, 25.0),
}


def weighted(rng, pairs):
    x = rng.random()
    for value, weight in pairs:
        x -= weight
        if x <= 0:
            return value
    return pairs[-1][0]


def main():
    default = os.path.join(os.path.dirname(os.path.abspath(__file__)), "shop.db")
    path = sys.argv[1] if len(sys.argv) > 1 else default
    people_count = int(sys.argv[2]) if len(sys.argv) > 2 else PEOPLE
    if os.path.exists(path):
        os.remove(path)
    rng = random.Random(SEED)
    db = sqlite3.connect(path)
    db.executescript(
        """
        CREATE TABLE people (id INTEGER PRIMARY KEY, country TEXT NOT NULL, age INTEGER,
                             signup_year INTEGER NOT NULL);
        CREATE TABLE visits (person_id INTEGER NOT NULL REFERENCES people(id), page TEXT NOT NULL,
                             day TEXT NOT NULL, seconds REAL);
        CREATE TABLE purchases (person_id INTEGER NOT NULL REFERENCES people(id),
                                category TEXT NOT NULL, amount REAL, quantity INTEGER NOT NULL);
        """
    )
    people, visits, purchases = [], [], []
    for person in range(1, people_count + 1):
        country = weighted(rng, COUNTRIES)
        age = None if rng.random() < 0.01 else max(16, min(95, int(rng.gauss(41, 14))))
        people.append((person, country, age, rng.randint(2015, 2026)))
        heavy = rng.random() < 0.002  # 0.2 % heavy users: hundreds of rows each
        n_visits = rng.randint(300, 900) if heavy else int(rng.expovariate(1 / 11))
        for _ in range(n_visits):
            day = f"2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            visits.append((person, rng.choice(PAGES), day, round(rng.expovariate(1 / 45), 1)))
        n_purchases = rng.randint(100, 400) if heavy else int(rng.expovariate(1 / 4.5))
        for _ in range(n_purchases):
            category = rng.choice(list(CATEGORIES))
            mean, spread = CATEGORIES[category]
            amount = None if rng.random() < 0.005 else round(max(0.5, rng.gauss(mean, spread)), 2)
            purchases.append((person, category, amount, rng.randint(1, 4)))
    db.executemany("INSERT INTO people VALUES (?, ?, ?, ?)", people)
    db.executemany("INSERT INTO visits VALUES (?, ?, ?, ?)", visits)
    db.executemany("INSERT INTO purchases VALUES (?, ?, ?, ?)", purchases)
    db.commit()
    db.close()
    print(f"{path}: {len(people)} people, {len(visits)} visits, {len(purchases)} purchases")


if __name__ == "__main__":
    main()
