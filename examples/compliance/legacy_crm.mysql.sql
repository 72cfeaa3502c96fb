-- The old CRM (MySQL/MariaDB dump): backticks, inline comments, engine options.
CREATE TABLE `kunden` (
  `kundennummer` int(10) unsigned NOT NULL AUTO_INCREMENT,
  `vorname` varchar(100) NOT NULL,
  `nachname` varchar(100) NOT NULL,
  `geburtsdatum` date DEFAULT NULL,
  `e_mail` varchar(191) DEFAULT NULL COMMENT 'Kontakt-E-Mail',
  `telefonnummer` varchar(40) DEFAULT NULL,
  `strasse` varchar(200) DEFAULT NULL,
  `plz` char(5) DEFAULT NULL,
  `konfession` varchar(40) DEFAULT NULL COMMENT 'für die Kirchensteuer',
  `newsletter_count` int(11) NOT NULL DEFAULT 0,
  PRIMARY KEY (`kundennummer`),
  KEY `idx_mail` (`e_mail`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COMMENT='Kundenstamm';
