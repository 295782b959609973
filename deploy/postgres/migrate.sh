#!/bin/sh
# Apply migrations as the owner role, then grant the application's role its rights on
# every table again (new tables included). docs/database-roles.md.
#
#   OWNER_DATABASE_URL=postgres://dti_owner:...@127.0.0.1:5432/dti deploy/postgres/migrate.sh
set -eu
cd "$(dirname "$0")/../.."
: "${OWNER_DATABASE_URL:?set OWNER_DATABASE_URL to the owner role's URL}"
APP_ROLE=${DTI_DB_APP_ROLE:-dti_app}
PYTHON=${PYTHON:-.venv/bin/python}
DATABASE_URL=$OWNER_DATABASE_URL "$PYTHON" manage.py migrate --noinput
DATABASE_URL=$OWNER_DATABASE_URL "$PYTHON" manage.py grant_app_role "$APP_ROLE"
