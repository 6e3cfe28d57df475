-- kb_revision counts the changes to what a help-centre page shows of the knowledge base
-- (articles, their labels, categories). Pages kept for anonymous visitors are valid only
-- for the revision they were read at, so an edit made by any process shows at once.
CREATE TABLE kb_revision (
	id integer PRIMARY KEY CHECK (id = 1),
	n  bigint NOT NULL
);
INSERT INTO kb_revision (id, n) VALUES (1, 0);
CREATE FUNCTION kb_revision_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	UPDATE kb_revision SET n = n + 1;
	RETURN NULL;
END
$$;
CREATE TRIGGER kb_articles_revision AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON kb_articles
	FOR EACH STATEMENT EXECUTE FUNCTION kb_revision_bump();
CREATE TRIGGER kb_article_tags_revision AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON kb_article_tags
	FOR EACH STATEMENT EXECUTE FUNCTION kb_revision_bump();
CREATE TRIGGER kb_article_products_revision AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON kb_article_products
	FOR EACH STATEMENT EXECUTE FUNCTION kb_revision_bump();
CREATE TRIGGER kb_categories_revision AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON kb_categories
	FOR EACH STATEMENT EXECUTE FUNCTION kb_revision_bump();
