// Uniqueness constraints: the identity keys of the graph. Keys are strings.
CREATE CONSTRAINT actor_id IF NOT EXISTS FOR (n:Actor) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT alias_key IF NOT EXISTS FOR (n:Alias) REQUIRE n.key IS UNIQUE;
CREATE CONSTRAINT territory_id IF NOT EXISTS FOR (n:Territory) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT theme_id IF NOT EXISTS FOR (n:Theme) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT method_id IF NOT EXISTS FOR (n:Method) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT event_id IF NOT EXISTS FOR (n:Event) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT import_run_id IF NOT EXISTS FOR (n:ImportRun) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT meta_id IF NOT EXISTS FOR (n:Meta) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT api_token_id IF NOT EXISTS FOR (n:ApiToken) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT change_id IF NOT EXISTS FOR (n:Change) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT duplicate_candidate_id IF NOT EXISTS FOR (n:DuplicateCandidate) REQUIRE n.id IS UNIQUE;
// Properties that queries filter on.
CREATE INDEX actor_name_key IF NOT EXISTS FOR (n:Actor) ON (n.name_key);
CREATE INDEX actor_kind IF NOT EXISTS FOR (n:Actor) ON (n.kind);
CREATE INDEX actor_siren IF NOT EXISTS FOR (n:Actor) ON (n.siren);
CREATE INDEX actor_rna IF NOT EXISTS FOR (n:Actor) ON (n.rna);
CREATE INDEX actor_commune IF NOT EXISTS FOR (n:Actor) ON (n.commune);
CREATE INDEX alias_actor IF NOT EXISTS FOR (n:Alias) ON (n.actor);
CREATE INDEX api_token_hash IF NOT EXISTS FOR (n:ApiToken) ON (n.hash);
CREATE INDEX change_target IF NOT EXISTS FOR (n:Change) ON (n.target);
CREATE INDEX change_seq IF NOT EXISTS FOR (n:Change) ON (n.seq);
CREATE INDEX territory_code IF NOT EXISTS FOR (n:Territory) ON (n.code);
CREATE INDEX territory_level IF NOT EXISTS FOR (n:Territory) ON (n.level);
CREATE INDEX territory_name_key IF NOT EXISTS FOR (n:Territory) ON (n.name_key);
// Accounts, sessions, sign-in links and proposals (api/accounts.py, api/proposals.py).
CREATE CONSTRAINT user_id IF NOT EXISTS FOR (n:User) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT user_name_key IF NOT EXISTS FOR (n:User) REQUIRE n.name_key IS UNIQUE;
CREATE CONSTRAINT sign_in_link_id IF NOT EXISTS FOR (n:SignInLink) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT sign_in_link_hash IF NOT EXISTS FOR (n:SignInLink) REQUIRE n.hash IS UNIQUE;
CREATE CONSTRAINT session_id IF NOT EXISTS FOR (n:Session) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT session_hash IF NOT EXISTS FOR (n:Session) REQUIRE n.hash IS UNIQUE;
CREATE CONSTRAINT proposal_id IF NOT EXISTS FOR (n:Proposal) REQUIRE n.id IS UNIQUE;
CREATE INDEX proposal_status IF NOT EXISTS FOR (n:Proposal) ON (n.status);
