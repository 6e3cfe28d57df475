-- kb_changes logs the article each change of the knowledge base touched (none for a
-- category), numbered as kb_revision counts the changes. What is kept in memory of every
-- article (the catalogue, see sqldb/knowledge_catalogue.go) is then brought up to date by
-- reading again the articles changed since, not all of them. The last 10,000 changes
-- are kept: a catalogue further behind than sqldb's maxCatalogueChanges (1,000) is built
-- again from all the articles. The count is kept in one
-- row, which a change holds locked until it commits, so the numbers follow the order of
-- the commits.
CREATE TABLE kb_changes (
	n          bigint PRIMARY KEY,
	article_id uuid
);
DROP TRIGGER kb_articles_revision ON kb_articles;
DROP TRIGGER kb_article_tags_revision ON kb_article_tags;
DROP TRIGGER kb_article_products_revision ON kb_article_products;
DROP TRIGGER kb_categories_revision ON kb_categories;
DROP FUNCTION kb_revision_bump();
CREATE FUNCTION kb_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	rev bigint;
	article uuid;
BEGIN
	UPDATE kb_revision SET n = n + 1 RETURNING n INTO rev;
	IF TG_TABLE_NAME = 'kb_articles' THEN
		IF TG_OP = 'DELETE' THEN article := OLD.id; ELSE article := NEW.id; END IF;
	ELSIF TG_TABLE_NAME <> 'kb_categories' THEN
		IF TG_OP = 'DELETE' THEN article := OLD.article_id; ELSE article := NEW.article_id; END IF;
	END IF;
	DELETE FROM kb_changes WHERE n <= rev - 10000;
	INSERT INTO kb_changes (n, article_id) VALUES (rev, article);
	RETURN NULL;
END
$$;
CREATE TRIGGER kb_articles_change AFTER INSERT OR UPDATE OR DELETE ON kb_articles FOR EACH ROW EXECUTE FUNCTION kb_change();
CREATE TRIGGER kb_article_tags_change AFTER INSERT OR UPDATE OR DELETE ON kb_article_tags FOR EACH ROW EXECUTE FUNCTION kb_change();
CREATE TRIGGER kb_article_products_change AFTER INSERT OR UPDATE OR DELETE ON kb_article_products FOR EACH ROW EXECUTE FUNCTION kb_change();
CREATE TRIGGER kb_categories_change AFTER INSERT OR UPDATE OR DELETE ON kb_categories FOR EACH ROW EXECUTE FUNCTION kb_change();
