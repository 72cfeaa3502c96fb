#!/usr/bin/env python3
"""Generates the labeled evaluation corpus of `rampart compliance scan`.

Every column of every generated schema carries a label (personal, category, entity) decided here,
from the vocabulary below, never from the scanner. Schemas come in every supported format
(PostgreSQL, MySQL and SQLite DDL, JSON Schema, Avro, CSV with values), in seven languages, with
hard negatives: look-alike names (email_sent, address_count, zip_file_path), business tables
(products.name, warehouses.city), counters, flags, timestamps, and CSV values that look like cards
or IBANs but fail their check digits.

    python3 tests/compliance/corpus/generate.py            # rewrite the corpus next to this file
    python3 tests/compliance/corpus/generate.py --check    # exit 1 if the committed files differ
"""
import argparse
import json
import os
import random
import sys

SEED = 20261129
HERE = os.path.dirname(os.path.abspath(__file__))

CATEGORY = {
    "email": "direct_identifier", "phone": "direct_identifier", "person_name": "direct_identifier",
    "postal_address": "direct_identifier", "national_id": "direct_identifier",
    "passport": "direct_identifier", "tax_id": "direct_identifier", "account_id": "direct_identifier",
    "hashed_identifier": "direct_identifier", "ip_address": "direct_identifier",
    "device_id": "direct_identifier", "username": "direct_identifier",
    "free_text_with_pii": "direct_identifier",
    "postcode": "quasi_identifier", "city": "quasi_identifier", "country": "quasi_identifier",
    "date_of_birth": "quasi_identifier", "gender": "quasi_identifier",
    "marital_status": "quasi_identifier", "job_title": "quasi_identifier",
    "employment_date": "quasi_identifier", "geolocation": "quasi_identifier",
    "device_fingerprint": "quasi_identifier",
    "credit_card": "sensitive_financial", "card_expiry": "sensitive_financial",
    "iban": "sensitive_financial", "bank_account": "sensitive_financial",
    "salary": "sensitive_financial",
    "health": "special_category", "genetic": "special_category", "biometric": "special_category",
    "religion": "special_category", "ethnicity": "special_category",
    "sexual_orientation": "special_category", "political_opinion": "special_category",
    "trade_union": "special_category",
    "none": "none",
}

# (column name, entity, SQL type) per language; "none" marks hard negatives.
PERSON_COLUMNS = {
    "en": [
        ("email", "email", "text"), ("email_address", "email", "varchar(255)"),
        ("e_mail", "email", "text"), ("contactEmail", "email", "text"),
        ("phone", "phone", "text"), ("phone_number", "phone", "varchar(32)"),
        ("ph_no", "phone", "text"), ("mobile", "phone", "text"), ("telephone", "phone", "text"),
        ("first_name", "person_name", "text"), ("fname", "person_name", "text"),
        ("last_name", "person_name", "text"), ("surname", "person_name", "text"),
        ("full_name", "person_name", "text"), ("lastName", "person_name", "text"),
        ("street_address", "postal_address", "text"), ("addr", "postal_address", "text"),
        ("address_line1", "postal_address", "text"), ("home_address", "postal_address", "text"),
        ("zip", "postcode", "varchar(10)"), ("zip_code", "postcode", "varchar(10)"),
        ("postal_code", "postcode", "varchar(10)"), ("city", "city", "text"),
        ("town", "city", "text"), ("country", "country", "char(2)"),
        ("dob", "date_of_birth", "date"), ("date_of_birth", "date_of_birth", "date"),
        ("birth_date", "date_of_birth", "date"), ("birthday", "date_of_birth", "date"),
        ("gender", "gender", "text"), ("sex", "gender", "char(1)"),
        ("marital_status", "marital_status", "text"), ("job_title", "job_title", "text"),
        ("occupation", "job_title", "text"), ("hire_date", "employment_date", "date"),
        ("termination_date", "employment_date", "date"),
        ("ssn", "national_id", "char(11)"), ("social_security_number", "national_id", "text"),
        ("national_id", "national_id", "text"), ("passport_number", "passport", "text"),
        ("passport_no", "passport", "text"), ("tax_id", "tax_id", "text"),
        ("customer_id", "account_id", "bigint"), ("user_id", "account_id", "bigint"),
        ("member_number", "account_id", "text"), ("username", "username", "text"),
        ("login", "username", "text"), ("credit_card_number", "credit_card", "text"),
        ("card_number", "credit_card", "text"), ("cc_number", "credit_card", "text"),
        ("card_expiry", "card_expiry", "char(5)"), ("iban", "iban", "varchar(34)"),
        ("bank_account_number", "bank_account", "text"), ("salary", "salary", "numeric(12,2)"),
        ("annual_income", "salary", "numeric(12,2)"), ("bonus", "salary", "numeric(12,2)"),
        ("ip_address", "ip_address", "inet"), ("last_login_ip", "ip_address", "inet"),
        ("device_id", "device_id", "text"), ("idfa", "device_id", "uuid"),
        ("mac_address", "device_id", "text"), ("imei", "device_id", "text"),
        ("cookie_id", "device_id", "text"), ("user_agent", "device_fingerprint", "text"),
        ("latitude", "geolocation", "double precision"),
        ("longitude", "geolocation", "double precision"),
        ("diagnosis", "health", "text"), ("blood_type", "health", "text"),
        ("medical_condition", "health", "text"), ("allergies", "health", "text"),
        ("medications", "health", "text"), ("disability", "health", "text"),
        ("genotype", "genetic", "text"), ("fingerprint_template", "biometric", "bytea"),
        ("face_encoding", "biometric", "bytea"), ("religion", "religion", "text"),
        ("ethnicity", "ethnicity", "text"), ("race", "ethnicity", "text"),
        ("sexual_orientation", "sexual_orientation", "text"),
        ("political_party", "political_opinion", "text"),
        ("union_membership", "trade_union", "boolean"),
        ("email_sha256", "hashed_identifier", "char(64)"),
        ("phone_hash", "hashed_identifier", "text"),
        # hard negatives inside person tables
        ("email_sent", "none", "boolean"), ("email_verified", "none", "boolean"),
        ("email_count", "none", "integer"), ("address_count", "none", "integer"),
        ("is_active", "none", "boolean"), ("created_at", "none", "timestamptz"),
        ("updated_at", "none", "timestamptz"), ("login_count", "none", "integer"),
        ("last_login_at", "none", "timestamptz"), ("newsletter_opt_in", "none", "boolean"),
        ("preferred_language", "none", "text"), ("loyalty_points", "none", "integer"),
        ("order_count", "none", "integer"), ("total_spent", "none", "numeric(12,2)"),
        ("status", "none", "text"), ("password_hash", "none", "text"),
        ("phone_verified_at", "none", "timestamptz"), ("email_template_id", "none", "integer"),
        # variants written without looking at the scanner's dictionaries
        ("birth_dt", "date_of_birth", "date"), ("residence_city", "city", "text"),
        ("cell_no", "phone", "text"), ("givenName", "person_name", "text"),
        ("mailing_address", "postal_address", "text"), ("nat_id_no", "national_id", "text"),
        ("home_phone", "phone", "text"), ("emp_salary", "salary", "numeric"),
        ("religious_affiliation", "religion", "text"), ("gps_lat", "geolocation", "double precision"),
        ("browser_fingerprint", "device_fingerprint", "text"),
        ("unsubscribe_count", "none", "integer"), ("zip_archive_name", "none", "text"),
        ("ip_range_version", "none", "integer"), ("address_format_version", "none", "integer"),
    ],
    "de": [
        ("vorname", "person_name", "text"), ("nachname", "person_name", "text"),
        ("geburtsdatum", "date_of_birth", "date"), ("strasse", "postal_address", "text"),
        ("hausnummer", "postal_address", "text"), ("plz", "postcode", "char(5)"),
        ("wohnort", "city", "text"), ("telefonnummer", "phone", "text"),
        ("handynummer", "phone", "text"), ("emailadresse", "email", "text"),
        ("geschlecht", "gender", "text"), ("familienstand", "marital_status", "text"),
        ("steuer_id", "tax_id", "text"), ("kontonummer", "bank_account", "text"),
        ("gehalt", "salary", "numeric(10,2)"), ("konfession", "religion", "text"),
        ("gewerkschaft", "trade_union", "text"), ("diagnose", "health", "text"),
        ("staatsangehoerigkeit", "country", "text"), ("personalnummer", "account_id", "text"),
        ("kundennummer", "account_id", "text"), ("beruf", "job_title", "text"),
        ("eintrittsdatum", "employment_date", "date"), ("reisepassnummer", "passport", "text"),
        ("erstellt_am", "none", "timestamp"), ("anzahl_bestellungen", "none", "integer"),
        ("ist_aktiv", "none", "boolean"),
    ],
    "fr": [
        ("prenom", "person_name", "text"), ("nom_de_famille", "person_name", "text"),
        ("date_de_naissance", "date_of_birth", "date"), ("adresse_postale", "postal_address", "text"),
        ("code_postal", "postcode", "char(5)"), ("ville", "city", "text"),
        ("telephone", "phone", "text"), ("courriel", "email", "text"), ("sexe", "gender", "text"),
        ("numero_de_securite_sociale", "national_id", "text"), ("salaire", "salary", "numeric"),
        ("religion", "religion", "text"), ("situation_familiale", "marital_status", "text"),
        ("profession", "job_title", "text"), ("date_embauche", "employment_date", "date"),
        ("numero_client", "account_id", "text"), ("groupe_sanguin", "health", "text"),
        ("origine_ethnique", "ethnicity", "text"), ("syndicat", "trade_union", "text"),
        ("date_creation", "none", "timestamp"), ("nombre_commandes", "none", "integer"),
    ],
    "es": [
        ("nombre_completo", "person_name", "text"), ("apellidos", "person_name", "text"),
        ("fecha_de_nacimiento", "date_of_birth", "date"), ("direccion", "postal_address", "text"),
        ("codigo_postal", "postcode", "char(5)"), ("ciudad", "city", "text"),
        ("telefono", "phone", "text"), ("correo_electronico", "email", "text"),
        ("sexo", "gender", "text"), ("dni", "national_id", "char(9)"), ("nie", "national_id", "text"),
        ("salario", "salary", "numeric"), ("estado_civil", "marital_status", "text"),
        ("numero_de_cliente", "account_id", "text"), ("diagnostico", "health", "text"),
        ("afiliacion_sindical", "trade_union", "text"), ("orientacion_sexual", "sexual_orientation", "text"),
        ("fecha_creacion", "none", "timestamp"), ("numero_pedidos", "none", "integer"),
    ],
    "it": [
        ("nome", "person_name", "text"), ("cognome", "person_name", "text"),
        ("data_di_nascita", "date_of_birth", "date"), ("indirizzo", "postal_address", "text"),
        ("cap", "postcode", "char(5)"), ("citta", "city", "text"), ("cellulare", "phone", "text"),
        ("codice_fiscale", "tax_id", "char(16)"), ("stipendio", "salary", "numeric"),
        ("sesso", "gender", "text"), ("stato_civile", "marital_status", "text"),
        ("data_assunzione", "employment_date", "date"), ("codice_cliente", "account_id", "text"),
        ("patologia", "health", "text"), ("religione", "religion", "text"),
        ("data_creazione", "none", "timestamp"),
    ],
    "nl": [
        ("voornaam", "person_name", "text"), ("achternaam", "person_name", "text"),
        ("geboortedatum", "date_of_birth", "date"), ("straatnaam", "postal_address", "text"),
        ("postcode", "postcode", "text"), ("woonplaats", "city", "text"),
        ("telefoonnummer", "phone", "text"), ("emailadres", "email", "text"),
        ("geslacht", "gender", "text"), ("bsn", "national_id", "char(9)"),
        ("burgerservicenummer", "national_id", "char(9)"), ("salaris", "salary", "numeric"),
        ("rekeningnummer", "bank_account", "text"), ("klantnummer", "account_id", "text"),
        ("bloedgroep", "health", "text"), ("vakbond", "trade_union", "text"),
        ("aangemaakt_op", "none", "timestamp"),
    ],
    "pt": [
        ("nome_completo", "person_name", "text"), ("sobrenome", "person_name", "text"),
        ("data_de_nascimento", "date_of_birth", "date"), ("morada", "postal_address", "text"),
        ("codigo_postal", "postcode", "text"), ("cidade", "city", "text"),
        ("telefone", "phone", "text"), ("nif", "tax_id", "char(9)"), ("salario", "salary", "numeric"),
        ("sexo", "gender", "text"), ("estado_civil", "marital_status", "text"),
        ("doenca", "health", "text"), ("religiao", "religion", "text"),
        ("data_criacao", "none", "timestamp"),
    ],
}

PERSON_TABLES = {
    "en": ["customers", "users", "employees", "patients", "members", "contacts", "students",
           "applicants", "subscribers", "guests"],
    "de": ["kunden", "mitarbeiter", "patienten", "benutzer"],
    "fr": ["clients", "utilisateurs", "employes", "patients"],
    "es": ["clientes", "usuarios", "empleados", "pacientes"],
    "it": ["clienti", "utenti", "dipendenti", "pazienti"],
    "nl": ["klanten", "gebruikers", "medewerkers", "patienten"],
    "pt": ["clientes", "utilizadores", "funcionarios", "pacientes"],
}

# Tables about things, not people: every column is a hard negative.
BUSINESS_TABLES = [
    ("products", [("id", "bigint"), ("name", "text"), ("sku", "text"), ("price", "numeric(10,2)"),
                  ("description", "text"), ("weight_grams", "integer"), ("category_id", "integer")]),
    ("warehouses", [("id", "integer"), ("name", "text"), ("address", "text"), ("city", "text"),
                    ("zip", "varchar(10)"), ("country", "char(2)"), ("capacity", "integer")]),
    ("suppliers", [("id", "integer"), ("company_name", "text"), ("city", "text"),
                   ("country", "char(2)"), ("rating", "integer")]),
    ("orders", [("id", "bigint"), ("order_total", "numeric(12,2)"), ("item_count", "integer"),
                ("status", "text"), ("created_at", "timestamptz"), ("shipping_method", "text")]),
    ("uploads", [("id", "bigint"), ("zip_file_path", "text"), ("file_size", "bigint"),
                 ("address_count", "integer"), ("uploaded_at", "timestamptz")]),
    ("firewall_rules", [("id", "integer"), ("ip_allowlist_version", "integer"),
                        ("cidr_range", "text"), ("enabled", "boolean")]),
    ("app_settings", [("key", "text"), ("value", "text"), ("email_template", "text"),
                      ("address_format", "text"), ("updated_at", "timestamptz")]),
    ("page_metrics", [("page", "text"), ("views", "integer"), ("bounce_rate", "double precision"),
                      ("avg_time_on_page", "double precision"), ("day", "date")]),
    ("stores", [("store_id", "integer"), ("name", "text"), ("street", "text"), ("city", "text"),
                ("postcode", "text"), ("phone_extension_count", "integer")]),
    ("produkte", [("id", "integer"), ("name", "text"), ("preis", "numeric"), ("artikelnummer", "text")]),
    ("lager", [("id", "integer"), ("adresse", "text"), ("ort", "text"), ("plz", "char(5)")]),
    ("produits", [("id", "integer"), ("nom", "text"), ("prix", "numeric")]),
    ("productos", [("id", "integer"), ("nombre", "text"), ("precio", "numeric")]),
    ("prodotti", [("id", "integer"), ("nome", "text"), ("prezzo", "numeric")]),
]

FIRST = ["Anna", "Lukas", "Marie", "Jonas", "Sofia", "Liam", "Emma", "Noah", "Chloé", "Mateo",
         "Giulia", "Sem", "Inês", "Léa", "Pablo", "Greta"]
LAST = ["Schmidt", "Müller", "Dubois", "García", "Rossi", "de Vries", "Silva", "Jansen", "Novak",
        "Berg", "Moreau", "Fernández"]


def luhn_complete(prefix, length, rng):
    digits = prefix + "".join(str(rng.randint(0, 9)) for _ in range(length - len(prefix) - 1))
    total = 0
    for i, c in enumerate(reversed(digits)):
        d = int(c)
        if i % 2 == 0:
            d *= 2
            d -= 9 if d > 9 else 0
        total += d
    return digits + str((10 - total % 10) % 10)


def iban_de(rng):
    bban = "".join(str(rng.randint(0, 9)) for _ in range(18))
    rearranged = bban + "1314" + "00"  # D=13, E=14
    check = 98 - int(rearranged) % 97
    return "DE%02d%s" % (check, bban)


def value_for(entity, rng, i):
    if entity == "email":
        return "%s.%s%d@example.%s" % (rng.choice(FIRST).lower().replace("é", "e"), "x", i,
                                      rng.choice(["org", "com", "de", "fr"]))
    if entity == "phone":
        return rng.choice(["+49 30 %07d" % rng.randint(1000000, 9999999),
                           "+44 20 7946 %04d" % rng.randint(0, 999),
                           "+33 1 42 68 %02d %02d" % (rng.randint(10, 99), rng.randint(10, 99))])
    if entity == "person_name":
        return "%s %s" % (rng.choice(FIRST), rng.choice(LAST))
    if entity == "credit_card":
        return luhn_complete("4", 16, rng)
    if entity == "iban":
        return iban_de(rng)
    if entity == "ip_address":
        return "%d.%d.%d.%d" % (rng.randint(11, 223), rng.randint(0, 255), rng.randint(0, 255),
                                rng.randint(1, 254))
    if entity == "date_of_birth":
        return "%04d-%02d-%02d" % (rng.randint(1940, 2004), rng.randint(1, 12), rng.randint(1, 28))
    if entity == "postcode":
        return "%05d" % rng.randint(10000, 99999)
    if entity == "city":
        return rng.choice(["Berlin", "Lyon", "Sevilla", "Torino", "Utrecht", "Porto"])
    if entity == "gender":
        return rng.choice(["female", "male", "diverse"])
    if entity == "health":
        return rng.choice(["asthma", "type 2 diabetes", "hypertension", "none known"])
    if entity == "free_text_with_pii":
        return rng.choice(["please call back on +49 30 901820 after lunch",
                           "customer asked us to write to anna.berg%d@example.org instead" % i,
                           "delivered to the neighbour, all fine",
                           "no answer at the door, will try again tomorrow"])
    raise ValueError(entity)


# CSV columns: (header, entity, value generator or None for hard-negative generators)
def csv_negative(kind, rng, i):
    if kind == "order_number":  # 16 digits that fail Luhn: look like cards, are not
        card = luhn_complete("4", 16, rng)
        return card[:-1] + str((int(card[-1]) + 1) % 10)
    if kind == "price":
        return "%d,%02d" % (rng.randint(1, 999), rng.randint(0, 99))
    if kind == "timestamp":
        return "2026-%02d-%02dT%02d:%02d:00Z" % (rng.randint(1, 11), rng.randint(1, 28),
                                                 rng.randint(0, 23), rng.randint(0, 59))
    if kind == "flag":
        return rng.choice(["true", "false"])
    if kind == "count":
        return str(rng.randint(0, 500))
    if kind == "sku":
        return "SKU-%06d" % rng.randint(0, 999999)
    if kind == "bad_iban":  # right shape, wrong check digits
        iban = iban_de(rng)
        return iban[:2] + "%02d" % ((int(iban[2:4]) + 1) % 100) + iban[4:]
    if kind == "status":
        return rng.choice(["shipped", "pending", "cancelled"])
    if kind == "version":
        return "%d.%d.%d" % (rng.randint(0, 9), rng.randint(0, 20), rng.randint(0, 99))
    raise ValueError(kind)


CSV_FILES = [
    ("crm_export", [("contact", "email"), ("name", "person_name"), ("tel", "phone"),
                    ("born", "date_of_birth"), ("city", "city"), ("order_no", "-order_number"),
                    ("total", "-price"), ("created", "-timestamp"), ("opted_in", "-flag")]),
    ("payments", [("payment_ref", "-order_number"), ("account", "iban"), ("pan", "credit_card"),
                  ("amount", "-price"), ("bad_account", "-bad_iban"), ("status", "-status")]),
    ("weblogs", [("client", "ip_address"), ("path_count", "-count"), ("app_version", "-version"),
                 ("ts", "-timestamp")]),
    ("field7_export", [("f1", "email"), ("f2", "iban"), ("f3", "-sku"), ("f4", "-count"),
                       ("f5", "ip_address")]),
    ("deliveries", [("note", "free_text_with_pii"), ("parcel_count", "-count"),
                    ("delivered_at", "-timestamp")]),
    ("patients_de", [("Name", "person_name"), ("Geburtsdatum", "date_of_birth"),
                     ("Diagnose", "health"), ("Gewicht", "-price"), ("Besuche", "-count")]),
]


def sql_quote(name, dialect):
    return "`%s`" % name if dialect == "mysql" else name


def emit_ddl(table, columns, dialect):
    lines = []
    for name, _, sql_type in columns:
        t = sql_type
        if dialect == "mysql":
            t = {"text": "varchar(255)", "timestamptz": "datetime", "inet": "varchar(45)",
                 "bytea": "blob", "uuid": "char(36)", "double precision": "double",
                 "boolean": "tinyint(1)"}.get(sql_type, sql_type)
        if dialect == "sqlite":
            t = {"timestamptz": "TEXT", "inet": "TEXT", "bytea": "BLOB", "uuid": "TEXT",
                 "boolean": "INTEGER"}.get(sql_type, sql_type)
        lines.append("  %s %s" % (sql_quote(name, dialect), t))
    body = ",\n".join(lines)
    if dialect == "mysql":
        return "CREATE TABLE `%s` (\n%s\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;\n" % (table, body)
    if dialect == "sqlite":
        return "CREATE TABLE [%s] (\n%s\n) STRICT;\n" % (table, body) if False else \
            "CREATE TABLE [%s] (\n%s\n) WITHOUT ROWID;\n" % (table, body.replace(
                lines[0], lines[0] + " PRIMARY KEY", 1))
    return "CREATE TABLE %s (\n%s\n);\n" % (table, body)


def json_type(sql_type):
    if "int" in sql_type or "numeric" in sql_type or "double" in sql_type:
        return {"type": "number"}
    if sql_type == "boolean":
        return {"type": "boolean"}
    if sql_type in ("date",):
        return {"type": "string", "format": "date"}
    if sql_type == "timestamptz" or sql_type == "timestamp":
        return {"type": "string", "format": "date-time"}
    return {"type": "string"}


def avro_type(sql_type):
    if "int" in sql_type:
        return "long"
    if "numeric" in sql_type or "double" in sql_type:
        return "double"
    if sql_type == "boolean":
        return "boolean"
    if sql_type == "date":
        return {"type": "int", "logicalType": "date"}
    return ["null", "string"]


def build(rng):
    files = {}
    labels = []
    formats = ["pg", "mysql", "sqlite", "json", "avro"]
    index = 0
    for lang, columns in PERSON_COLUMNS.items():
        pool = list(columns)
        rng.shuffle(pool)
        tables = PERSON_TABLES[lang]
        # Split the vocabulary into tables of 6-12 columns, each with its own format.
        chunk = 0
        while chunk < len(pool):
            size = rng.randint(6, 12)
            cols = pool[chunk:chunk + size]
            chunk += size
            table = tables[index % len(tables)]
            fmt = formats[index % len(formats)]
            index += 1
            add_table(files, labels, "%s_%02d" % (lang, index), table, cols, fmt)
    for i, (table, cols) in enumerate(BUSINESS_TABLES):
        add_table(files, labels, "business_%02d" % i, table,
                  [(n, "none", t) for n, t in cols], formats[i % len(formats)])
    for name, spec in CSV_FILES:
        header = [h for h, _ in spec]
        rows = [";".join(header)]
        for i in range(60):
            cells = []
            for _, kind in spec:
                v = csv_negative(kind[1:], rng, i) if kind.startswith("-") else value_for(kind, rng, i)
                cells.append(v)
            rows.append(";".join(cells))
        path = "%s.csv" % name
        files[path] = "\n".join(rows) + "\n"
        for h, kind in spec:
            entity = "none" if kind.startswith("-") else kind
            labels.append((path, name, h, entity))
    return files, labels


def add_table(files, labels, stem, table, cols, fmt):
    if fmt in ("pg", "mysql", "sqlite"):
        path = "%s.%s.sql" % (stem, {"pg": "postgresql", "mysql": "mysql", "sqlite": "sqlite"}[fmt])
        files[path] = "-- generated by generate.py\n" + emit_ddl(table, cols, fmt)
    elif fmt == "json":
        path = "%s.schema.json" % stem
        doc = {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": table,
               "type": "object",
               "properties": {n: json_type(t) for n, _, t in cols}}
        files[path] = json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    else:
        path = "%s.avsc" % stem
        doc = {"type": "record", "name": table, "namespace": "corpus",
               "fields": [{"name": n, "type": avro_type(t)} for n, _, t in cols]}
        files[path] = json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    for n, entity, _ in cols:
        # PostgreSQL folds unquoted identifiers to lower case.
        labels.append((path, table, n.lower() if fmt == "pg" else n, entity))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    rng = random.Random(SEED)
    files, labels = build(rng)
    lines = ["# source\ttable\tcolumn\tpersonal\tcategory\tentity"]
    for path, table, column, entity in labels:
        lines.append("\t".join([path, table, column, "true" if entity != "none" else "false",
                                CATEGORY[entity], entity]))
    labels_text = "\n".join(lines) + "\n"
    out_dir = os.path.join(HERE, "data")
    if args.check:
        stale = [p for p, text in files.items()
                 if not os.path.exists(os.path.join(out_dir, p)) or
                 open(os.path.join(out_dir, p), encoding="utf-8").read() != text]
        if open(os.path.join(HERE, "labels.tsv"), encoding="utf-8").read() != labels_text:
            stale.append("labels.tsv")
        if stale:
            print("corpus out of date: " + ", ".join(sorted(stale)), file=sys.stderr)
            return 1
        print("corpus up to date: %d files, %d labeled columns" % (len(files), len(labels)))
        return 0
    os.makedirs(out_dir, exist_ok=True)
    for old in os.listdir(out_dir):
        os.remove(os.path.join(out_dir, old))
    for p, text in files.items():
        with open(os.path.join(out_dir, p), "w", encoding="utf-8") as f:
            f.write(text)
    with open(os.path.join(HERE, "labels.tsv"), "w", encoding="utf-8") as f:
        f.write(labels_text)
    print("wrote %d files, %d labeled columns" % (len(files), len(labels)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
