// A person's account (api/accounts.py); name_key (the name case-folded) is unique. No password
// yet: it is set when the person uses their one-time sign-in link (sign_in_link_redeem).
CREATE (u:User {id: $id, name: $name, name_key: $name_key, role: $role, created_at: $now, created_by: $by})
SET u.network = $network
RETURN u.id AS id
