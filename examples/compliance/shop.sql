-- An e-commerce shop (PostgreSQL). Personal data sits next to look-alikes that are not:
-- product names, warehouse addresses, counters, flags and system timestamps.
CREATE SCHEMA IF NOT EXISTS shop;

CREATE TABLE shop.customers (
  id              bigserial PRIMARY KEY,
  first_name      text NOT NULL,
  last_name       text NOT NULL,
  email           varchar(320) NOT NULL UNIQUE,
  email_verified  boolean NOT NULL DEFAULT false,
  ph_no           varchar(32),
  dob             date,
  gender          char(1),
  street          text,
  zip             varchar(10),
  city            text,
  country         char(2),
  last_login_ip   inet,
  password_hash   text NOT NULL,
  marketing_segment text,            -- e.g. 'diabetes-interest', 'lgbtq-friendly' (inferred)
  created_at      timestamptz NOT NULL DEFAULT now()
);
COMMENT ON COLUMN shop.customers.marketing_segment IS 'ad segment inferred from health and sexual orientation signals';

CREATE TABLE shop.payment_methods (
  id            bigserial PRIMARY KEY,
  customer_id   bigint NOT NULL REFERENCES shop.customers(id),
  card_number   varchar(19),
  card_expiry   varchar(5),
  iban          varchar(34),
  is_default    boolean NOT NULL DEFAULT false
);

CREATE TABLE shop.orders (
  id              bigserial PRIMARY KEY,
  customer_id     bigint NOT NULL,
  order_total     numeric(12,2) NOT NULL,
  item_count      integer NOT NULL,
  shipping_address text,
  email_sent      boolean NOT NULL DEFAULT false,
  notes           text,
  created_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE shop.products (
  id          bigserial PRIMARY KEY,
  sku         varchar(32) NOT NULL,
  name        text NOT NULL,
  description text,
  price       numeric(10,2) NOT NULL
);

CREATE TABLE shop.warehouses (
  id       serial PRIMARY KEY,
  name     text NOT NULL,
  address  text NOT NULL,
  city     text NOT NULL,
  zip      varchar(10) NOT NULL
);

CREATE TABLE shop.uploads (
  id                    bigserial PRIMARY KEY,
  zip_file_path         text NOT NULL,
  address_count         integer NOT NULL,
  ip_allowlist_version  integer NOT NULL
);

-- Features for the churn model, copied from the customer table: the e-mail only tells customers
-- apart, which a keyed pseudonym does as well.
CREATE TABLE shop.ml_churn_features (
  customer_email  varchar(320) NOT NULL,
  orders_90d      integer NOT NULL,
  basket_avg      numeric(10,2),
  days_since_last_order integer
);
