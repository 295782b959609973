-- The database and its two roles (docs/database-roles.md). Run once, as a superuser:
--
--   sudo -u postgres psql -v owner_password=... -v app_password=... \
--        -f deploy/postgres/roles.sql
--
-- dti_owner owns the database and its tables: it runs `manage.py migrate` and
--           `manage.py grant_app_role dti_app` (after every migrate), nothing else.
-- dti_app   is the role the site and the task worker connect as: it reads and writes
--           rows, appends to the audit trail, and can neither change nor empty it,
--           nor alter any table (no DDL, no TRUNCATE, no triggers switched off).
\set ON_ERROR_STOP on

CREATE ROLE dti_owner LOGIN PASSWORD :'owner_password'
    NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;
CREATE ROLE dti_app LOGIN PASSWORD :'app_password'
    NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;

CREATE DATABASE dti OWNER dti_owner ENCODING 'UTF8' TEMPLATE template0;

\connect dti
-- Nobody but the owner creates anything in the database.
REVOKE ALL ON DATABASE dti FROM PUBLIC;
GRANT CONNECT ON DATABASE dti TO dti_owner, dti_app;
ALTER SCHEMA public OWNER TO dti_owner;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO dti_app;
-- The tables themselves are granted by `manage.py grant_app_role dti_app`, run as
-- dti_owner after each `manage.py migrate`: it knows which tables are the audit trail.
