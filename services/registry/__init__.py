"""registry: かかわりラボ members, the people who act for them, and the public directory.

Where things are:

    main.py          the ServiceDefinition; bootstrap.py builds RegistryDeps (its typed dependencies)
    api.py pages.py  only include the slices' routers; web/ holds what their HTTP layers share
    membership/      applications, the review workflow, member records, history, audit log, CSV in/out
    access/          sign-up, sign-in (password, emailed links), tokens, passwords, staff, invitations
    small_bases/     小さな拠点, registered by municipalities and RMOs
    directory/       the landing page, the public directory, the figures as of a day, the local-government lookup
    domain/          the shared vocabulary: kinds of member, local governments and their codes, text folding
    gazetteer.py     builds the registry's Gazetteer from the official list the kit ships (kit/data/municipalities.csv)
    models.py        every table (migrations/ holds their Alembic history); templates/, static/ for pages
    demo.py seed.py  the demo data `make up` seeds

Each slice has the same make-up: api.py, pages, service (use cases), repository.py (queries),
schemas.py (Pydantic) and domain/ (pure rules, no I/O).
"""
