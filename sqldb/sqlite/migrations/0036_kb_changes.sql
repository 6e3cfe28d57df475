-- kb_changes logs the article each change of the knowledge base touched (none for a
-- category), numbered as kb_revision counts the changes. What is kept in memory of every
-- article (the catalogue, see sqldb/knowledge_catalogue.go) is then brought up to date by
-- reading again the articles changed since, not all of them. The last 10,000 changes
-- are kept: a catalogue further behind than sqldb's maxCatalogueChanges (1,000) is built
-- again from all the articles.
CREATE TABLE kb_changes (
	n          INTEGER PRIMARY KEY,
	article_id BLOB
);
DROP TRIGGER kb_articles_revision_insert;
DROP TRIGGER kb_articles_revision_update;
DROP TRIGGER kb_articles_revision_delete;
DROP TRIGGER kb_article_tags_revision_insert;
DROP TRIGGER kb_article_tags_revision_delete;
DROP TRIGGER kb_article_products_revision_insert;
DROP TRIGGER kb_article_products_revision_delete;
DROP TRIGGER kb_categories_revision_insert;
DROP TRIGGER kb_categories_revision_update;
DROP TRIGGER kb_categories_revision_delete;
CREATE TRIGGER kb_articles_revision_insert AFTER INSERT ON kb_articles BEGIN
	UPDATE kb_revision SET n = n + 1;
	DELETE FROM kb_changes WHERE n <= (SELECT n FROM kb_revision) - 10000;
	INSERT INTO kb_changes (n, article_id) SELECT n, new.id FROM kb_revision;
END;
CREATE TRIGGER kb_articles_revision_update AFTER UPDATE ON kb_articles BEGIN
	UPDATE kb_revision SET n = n + 1;
	DELETE FROM kb_changes WHERE n <= (SELECT n FROM kb_revision) - 10000;
	INSERT INTO kb_changes (n, article_id) SELECT n, new.id FROM kb_revision;
END;
CREATE TRIGGER kb_articles_revision_delete AFTER DELETE ON kb_articles BEGIN
	UPDATE kb_revision SET n = n + 1;
	DELETE FROM kb_changes WHERE n <= (SELECT n FROM kb_revision) - 10000;
	INSERT INTO kb_changes (n, article_id) SELECT n, old.id FROM kb_revision;
END;
CREATE TRIGGER kb_article_tags_revision_insert AFTER INSERT ON kb_article_tags BEGIN
	UPDATE kb_revision SET n = n + 1;
	DELETE FROM kb_changes WHERE n <= (SELECT n FROM kb_revision) - 10000;
	INSERT INTO kb_changes (n, article_id) SELECT n, new.article_id FROM kb_revision;
END;
CREATE TRIGGER kb_article_tags_revision_delete AFTER DELETE ON kb_article_tags BEGIN
	UPDATE kb_revision SET n = n + 1;
	DELETE FROM kb_changes WHERE n <= (SELECT n FROM kb_revision) - 10000;
	INSERT INTO kb_changes (n, article_id) SELECT n, old.article_id FROM kb_revision;
END;
CREATE TRIGGER kb_article_products_revision_insert AFTER INSERT ON kb_article_products BEGIN
	UPDATE kb_revision SET n = n + 1;
	DELETE FROM kb_changes WHERE n <= (SELECT n FROM kb_revision) - 10000;
	INSERT INTO kb_changes (n, article_id) SELECT n, new.article_id FROM kb_revision;
END;
CREATE TRIGGER kb_article_products_revision_delete AFTER DELETE ON kb_article_products BEGIN
	UPDATE kb_revision SET n = n + 1;
	DELETE FROM kb_changes WHERE n <= (SELECT n FROM kb_revision) - 10000;
	INSERT INTO kb_changes (n, article_id) SELECT n, old.article_id FROM kb_revision;
END;
CREATE TRIGGER kb_categories_revision_insert AFTER INSERT ON kb_categories BEGIN
	UPDATE kb_revision SET n = n + 1;
	DELETE FROM kb_changes WHERE n <= (SELECT n FROM kb_revision) - 10000;
	INSERT INTO kb_changes (n, article_id) SELECT n, NULL FROM kb_revision;
END;
CREATE TRIGGER kb_categories_revision_update AFTER UPDATE ON kb_categories BEGIN
	UPDATE kb_revision SET n = n + 1;
	DELETE FROM kb_changes WHERE n <= (SELECT n FROM kb_revision) - 10000;
	INSERT INTO kb_changes (n, article_id) SELECT n, NULL FROM kb_revision;
END;
CREATE TRIGGER kb_categories_revision_delete AFTER DELETE ON kb_categories BEGIN
	UPDATE kb_revision SET n = n + 1;
	DELETE FROM kb_changes WHERE n <= (SELECT n FROM kb_revision) - 10000;
	INSERT INTO kb_changes (n, article_id) SELECT n, NULL FROM kb_revision;
END;
