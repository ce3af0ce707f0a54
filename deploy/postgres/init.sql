-- docker-compose only: runs once, on the first start of an empty postgres volume
-- (/docker-entrypoint-initdb.d). One database per service, all owned by the
-- application role `kakawari`. In Kubernetes a managed PostgreSQL is assumed
-- and DATABASE_URL comes from a Secret per service (deploy/k8s/secrets.example.yaml).
CREATE ROLE kakawari WITH LOGIN PASSWORD 'kakawari';

CREATE DATABASE registry OWNER kakawari;
CREATE DATABASE forum    OWNER kakawari;
CREATE DATABASE matching OWNER kakawari;
CREATE DATABASE notify   OWNER kakawari;
CREATE DATABASE console  OWNER kakawari;

-- PostgreSQL 15+ no longer grants CREATE on schema public to everyone; the
-- database owner gets it through pg_database_owner, these make it explicit.
\connect registry
GRANT ALL ON SCHEMA public TO kakawari;
\connect forum
GRANT ALL ON SCHEMA public TO kakawari;
\connect matching
GRANT ALL ON SCHEMA public TO kakawari;
\connect notify
GRANT ALL ON SCHEMA public TO kakawari;
\connect console
GRANT ALL ON SCHEMA public TO kakawari;
